import { faro } from '@grafana/faro-web-sdk';
import { screen } from '@testing-library/react';
import { renderAppWithConfig } from './__testUtils__/renderAppWithConfig';

jest.setTimeout(30_000);

describe('App with a Faro collector configured', () => {
  it('starts Faro with the configured app name', async () => {
    // jsdom lacks the Performance Timeline that web vitals read.
    Object.assign(performance, { getEntriesByType: () => [] });
    renderAppWithConfig({
      signIn: { providers: ['guest'] },
      faro: {
        collectorUrl: 'http://127.0.0.1:9/collect',
        appName: 'portal-test',
      },
    });
    await screen.findByRole('button', { name: 'Enter' }, { timeout: 20_000 });
    // Before initialisation `faro` has a no-op api and no config.
    expect(faro.config?.app.name).toBe('portal-test');
    expect(faro.metas.value.app?.name).toBe('portal-test');
  });
});
