import { mockApis } from '@backstage/frontend-test-utils';
import { faroOptionsFromConfig } from './faroOptionsFromConfig';

const withApp = (app: object) => mockApis.config({ data: { app } });

describe('faroOptionsFromConfig', () => {
  it('is off without a collector URL', () => {
    expect(faroOptionsFromConfig(withApp({}))).toBeUndefined();
    expect(
      faroOptionsFromConfig(withApp({ faro: { appName: 'portal' } })),
    ).toBeUndefined();
  });

  it('names the app and environment the events carry', () => {
    expect(
      faroOptionsFromConfig(
        withApp({
          faro: {
            collectorUrl: 'https://faro.example.net/collect',
            environment: 'production',
          },
        }),
      ),
    ).toEqual({
      url: 'https://faro.example.net/collect',
      app: { name: 'dbaas-portal', environment: 'production' },
    });
  });
});
