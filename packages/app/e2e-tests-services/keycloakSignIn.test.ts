import { expect, test } from '@playwright/test';

test('a Keycloak user signs in and is their catalog user, team included', async ({
  page,
}, testInfo) => {
  const password = process.env.DBAAS_KEYCLOAK_USER_PASSWORD;
  expect(password, 'the keycloak service must be running').toBeTruthy();

  await page.goto('/');
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign In' }).click(),
  ]);
  await popup.locator('#username').fill('ada');
  await popup.locator('#password').fill(password!);
  await popup.locator('#kc-login').click();

  await page.goto('/settings');
  await expect(page.getByText('ada@dbaas.example.com')).toBeVisible();
  // Ownership comes from the catalog's relations: Ada is in the payments tenant.
  await expect(
    page.getByText('Ownership Entities: Ada Okafor, Payments'),
  ).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('settings.png') });

  // The Databases pages work on PostgreSQL too, and show Ada her team's quota.
  await page.goto('/databases');
  await expect(
    page.getByRole('progressbar', { name: 'Instances used by Payments' }),
  ).toBeVisible();
  await page.goto('/databases/catalog');
  await expect(
    page.getByText('mongo-flex-sharded', { exact: true }),
  ).toBeVisible();
});
