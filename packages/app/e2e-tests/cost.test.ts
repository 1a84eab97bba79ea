import { expect, test } from '@playwright/test';
import { expectAccessible } from './expectAccessible';
import { orderPostgres } from './orderDatabase';

// At the prices of app-config.yaml (docs/cost.md): a shared PostgreSQL
// database of pg-shared's default size (2 CPU, 4 GiB, 100 GiB) is $100 for
// the plan, $30 of CPU, $16 of memory and $10 of storage.
const PG_SHARED = '$156.00';

test('a developer sees the price while ordering and the cost on the Databases home', async ({
  page,
}, testInfo) => {
  const name = `priced-${Date.now().toString(36)}`;
  await orderPostgres(page, name, async () => {
    // The review step shows the SKU's price the picker carried.
    await expect(
      page.getByText(`${PG_SHARED} a month at the SKU's default size`),
    ).toBeVisible();
    await page.screenshot({
      path: testInfo.outputPath('cost-review.png'),
      fullPage: true,
    });
  });

  await page.goto('/databases');
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name, exact: true }),
  });
  await expect(row.getByText(PG_SHARED, { exact: true })).toBeVisible();
  // Each tenant's monthly cost, beside its quota.
  const quotas = page.getByRole('row').filter({ hasText: 'Payments' }).first();
  await expect(quotas).toContainText(/\$[\d,]+\.\d\d a month/);
  await expectAccessible(page, 'the Databases home with prices');
  await page.screenshot({
    path: testInfo.outputPath('cost-databases.png'),
    fullPage: true,
  });
});
