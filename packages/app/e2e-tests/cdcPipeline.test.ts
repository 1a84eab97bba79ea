import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible } from './expectAccessible';
import { orderPostgres } from './orderDatabase';

test.setTimeout(300_000);

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: testInfo.outputPath(`${name}.png`),
    fullPage: true,
  });
}

test('a developer streams a database’s table through the template and finds the pipeline on its CDC tab', async ({
  page,
}, testInfo) => {
  const name = `ledger-${Date.now().toString(36)}`;

  // A PostgreSQL database, ordered through the "New database" template.
  await orderPostgres(page, name);

  // Its catalog entity follows the order by a moment; the picker lists it
  // then (and chooses it itself when it is the only database the user sees).
  await expect(async () => {
    await page.goto('/create/templates/default/stream-database-changes');
    const picker = page.getByRole('textbox', { name: 'Database', exact: true });
    await expect(picker).toBeVisible({ timeout: 5_000 });
    const ours = new RegExp(`${name}$`);
    // Chosen already: by the picker itself, or kept from an earlier try.
    if ((await picker.isDisabled()) || ours.test(await picker.inputValue())) {
      await expect(picker).toHaveValue(ours, { timeout: 1_000 });
    } else {
      await picker.fill(name);
      await page
        .getByRole('option', { name: new RegExp(name) })
        .click({ timeout: 5_000 });
    }
  }).toPass({ timeout: 90_000 });
  await screenshot(page, testInfo, 'cdc-1-database');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Pipeline name').fill('orders');
  // The form starts with the one table a pipeline needs at least.
  await page
    .getByRole('textbox', { name: 'Table', exact: true })
    .fill('public.orders');
  await expect(
    page.getByRole('radio', { name: 'Existing rows first, then changes' }),
  ).toBeChecked();
  await screenshot(page, testInfo, 'cdc-2-pipeline');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The step commits the pipeline; the CDC tab follows it from there.
  const open = page.getByRole('button', { name: 'Open the CDC tab' });
  await expect(open).toBeVisible({ timeout: 60_000 });
  await screenshot(page, testInfo, 'cdc-3-task-completed');
  await open.click();
  await expect(page).toHaveURL(/\/cdc$/);
  const row = page.getByRole('row').filter({ hasText: 'orders' }).first();
  // No cluster runs it in the embedded defaults: committed, not yet running.
  await expect(row).toContainText(/pending/i);
  await expect(row).toContainText(
    'dbaas.cdc.postgresql.payments.public.orders',
  );
  await screenshot(page, testInfo, 'cdc-4-tab');
  await expectAccessible(page, 'the CDC tab');
});
