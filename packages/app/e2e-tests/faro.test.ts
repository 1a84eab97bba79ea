import { expect, test } from '@playwright/test';
import http from 'node:http';

type FaroPayload = {
  meta?: { app?: { name?: string; environment?: string } };
  exceptions?: { type: string; value: string }[];
  measurements?: { type: string; values: Record<string, number> }[];
};

// app-config.e2e.yaml points Faro's collector here.
const COLLECTOR_PORT = 7098;

/** A Faro receiver: keeps every payload the browser posts to /collect. */
async function startReceiver() {
  const payloads: FaroPayload[] = [];
  const server = http.createServer((req, res) => {
    // The portal (localhost:3000) posts JSON cross-origin, so a preflight comes first.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/collect') {
        payloads.push(JSON.parse(body));
      }
      res.writeHead(202).end();
    });
  });
  await new Promise<void>(resolve =>
    server.listen(COLLECTOR_PORT, '127.0.0.1', resolve),
  );
  return {
    payloads,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

test('Faro sends the portal\u2019s errors and web vitals to the collector', async ({
  page,
}) => {
  const receiver = await startReceiver();
  try {
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Databases' }),
    ).toBeVisible();

    // An error nobody catches, as a broken component would throw.
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('faro e2e probe');
      });
    });
    // Web vitals such as LCP and CLS are reported when the page is hidden.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        value: 'hidden',
        configurable: true,
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });

    await expect
      .poll(
        () =>
          receiver.payloads.flatMap(p => p.exceptions ?? []).map(e => e.value),
        { timeout: 20_000 },
      )
      .toContain('faro e2e probe');
    await expect
      .poll(
        () =>
          receiver.payloads
            .flatMap(p => p.measurements ?? [])
            .filter(m => m.type === 'web-vitals')
            .flatMap(m => Object.keys(m.values)),
        { timeout: 20_000 },
      )
      .toEqual(expect.arrayContaining(['ttfb']));
    expect(receiver.payloads[0].meta?.app).toMatchObject({
      name: 'dbaas-portal-e2e',
      environment: 'e2e',
    });
  } finally {
    await receiver.close();
  }
});
