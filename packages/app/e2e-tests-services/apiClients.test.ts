import { expect, test } from '@playwright/test';
import {
  clientCredentialsToken,
  createServiceAccountClient,
} from '@internal/test-services';
import { expectAccessible } from '../e2e-tests/expectAccessible';
import { signInWithKeycloak } from './signInWithKeycloak';

const API = 'http://localhost:7007/api/dbaas/v1';

// A developer hands a CI job access to the API (docs/api.md, "Scripts and CI
// jobs"): a realm admin made the job a Keycloak client; she registers it on
// the Databases page with a token of it; the job's own tokens then reach the
// API as her, until she removes it.
test("a developer registers her CI job's Keycloak client, whose token then calls the API, until she removes it", async ({
  page,
  request,
}, testInfo) => {
  const env = process.env as Record<string, string>;
  const client = await createServiceAccountClient(
    env,
    `payments-ci-${Date.now().toString(36)}`,
    'dbaas-api',
  );
  const subject = `external:keycloak:${client.userId}`;
  const asJob = async () => ({
    Authorization: `Bearer ${await clientCredentialsToken(env, client)}`,
  });
  expect(
    (await request.get(`${API}/services`, { headers: await asJob() })).status(),
  ).toBe(403);

  await signInWithKeycloak(page, 'ada');
  await page.goto('/databases');
  await page.getByRole('button', { name: 'API clients' }).click();
  const dialog = page.getByRole('dialog', { name: 'API clients' });
  await dialog
    .getByRole('textbox', { name: 'Description' })
    .fill('payments CI: migrations');
  await dialog
    .getByRole('textbox', { name: 'Access token of the client' })
    .fill((await asJob()).Authorization.slice('Bearer '.length));
  await dialog.getByRole('button', { name: 'Register' }).click();
  const row = dialog
    .getByRole('table', { name: 'Your API clients' })
    .getByRole('row')
    .filter({ hasText: subject });
  await expect(row).toContainText('payments CI: migrations');
  await expectAccessible(page, 'the API clients dialog with a client');
  await page.screenshot({ path: testInfo.outputPath('api-clients.png') });

  // The job, with its own token: ada's databases, as ada may see them.
  const listed = await request.get(`${API}/services`, {
    headers: await asJob(),
  });
  expect(listed.status()).toBe(200);

  await row
    .getByRole('button', { name: 'Remove payments CI: migrations' })
    .click();
  await expect(row).toHaveCount(0);
  expect(
    (await request.get(`${API}/services`, { headers: await asJob() })).status(),
  ).toBe(403);
});
