import { expect, test } from '@playwright/test';
import { expectAccessible } from './expectAccessible';

test('every backend plugin started', async ({ request }) => {
  // A plugin that fails at startup leaves the others serving; readiness says so.
  const readiness = await request.get(
    'http://localhost:7007/.backstage/health/v1/readiness',
  );
  expect(readiness.status()).toBe(200);
});

test('a signed-in guest finds the SKU catalog on the Databases page', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await expect(page).toHaveURL(/\/databases$/);
  // The page opens on the user's databases; the SKUs are a page away.
  await page.getByRole('button', { name: 'Service catalog' }).click();
  await expect(page).toHaveURL(/\/databases\/catalog$/);

  // Rows come from the backend's /api/dbaas/v1/catalog/skus.
  const row = page.getByRole('row').filter({ hasText: 'scy-ring-9' });
  await expect(row).toContainText('ScyllaDB');
  await expect(row).toContainText('Global');
  await expect(row).toContainText('99.95%');
  // The SKUs the seed requirements name, and PostgreSQL's.
  for (const sku of [
    ...['yb-shared', 'yb-dedicated', 'yb-clustered', 'yb-global'],
    ...['vt-shared', 'vt-sharded', 'vt-dedicated'],
    ...['scy-ring-3', 'scy-ring-5', 'scy-ring-9'],
    ...['dfly-mem-16g', 'dfly-mem-64g', 'aero-strong-3', 'aero-strong-5'],
    ...['mongo-flex-rs', 'mongo-flex-sharded', 'pg-shared', 'pg-ha'],
  ]) {
    await expect(page.getByText(sku, { exact: true })).toBeVisible();
  }

  await page.getByPlaceholder('Filter').fill('aerospike');
  await expect(page.getByText('yb-shared', { exact: true })).toBeHidden();
  await expect(page.getByText('aero-strong-5', { exact: true })).toBeVisible();

  await page.getByPlaceholder('Filter').fill('');
  await expect(page.getByText('yb-shared', { exact: true })).toBeVisible();
  await expectAccessible(page, 'the SKU catalog');
  await page.screenshot({
    path: testInfo.outputPath('databases-page.png'),
    fullPage: true,
  });
});
