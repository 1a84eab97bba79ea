import { expect, test } from '@playwright/test';
import { signInWithKeycloak } from './signInWithKeycloak';

test('a Keycloak user signs in and is their catalog user, team included', async ({
  page,
}, testInfo) => {
  await signInWithKeycloak(page, 'ada');

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
