import { expect, test, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { orderPostgres } from './orderDatabase';
import { pickDatabase } from './pickDatabase';

test.setTimeout(300_000);

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: testInfo.outputPath(`${name}.png`),
    fullPage: true,
  });
}

/**
 * Opens a day-2 template and picks the database in its entity picker; its
 * catalog entity follows the order by a moment.
 */
async function openWithDatabase(page: Page, template: string, name: string) {
  await expect(async () => {
    await page.goto(`/create/templates/default/${template}`);
    await pickDatabase(page, name, { timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
}

test('a developer scales a database picked among their team’s, seeing its current settings, and is offered only the upgrades its engine allows', async ({
  page,
}, testInfo) => {
  const name = `scaled-${Date.now().toString(36)}`;
  await orderPostgres(page, name);

  // Scale: the database is picked, not typed, and its settings show.
  await openWithDatabase(page, 'scale-database', name);
  const settings = page.getByRole('table', {
    name: `Current settings of ${name}`,
  });
  const row = (label: string) =>
    settings.getByRole('row').filter({
      has: page.getByRole('rowheader', { name: label, exact: true }),
    });
  await expect(row('Engine')).toContainText('PostgreSQL');
  await expect(row('Version')).toContainText('17');
  await expect(row('Plan')).toContainText('Shared');
  await expect(row('Size')).toContainText('instance: 1 × 2 CPU / 4Gi');
  await expect(row('Backup schedule')).not.toBeEmpty();
  await screenshot(page, testInfo, 'day2-1-scale-current-settings');
  // The form only: the scaffolder header's tabs point aria-controls at
  // panels it never renders (upstream, backstage/backstage#35180).
  const axe = await new AxeBuilder({ page }).include('form').analyze();
  expect(
    axe.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => v.id),
  ).toEqual([]);

  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('CPU per replica').fill('4');
  await page.getByLabel('Memory per replica').fill('8Gi');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByText('Requested: instance size 2 CPU/4Gi → 4 CPU/8Gi', {
      exact: true,
    }),
  ).toBeVisible({ timeout: 60_000 });
  await screenshot(page, testInfo, 'day2-2-scale-done');

  // Upgrade: the database runs the newest PostgreSQL offered, so the
  // version field offers nothing and says why.
  await openWithDatabase(page, 'upgrade-database', name);
  await expect(
    page.getByRole('table', { name: `Current settings of ${name}` }),
  ).toBeVisible();
  await expect(
    page.getByText(
      `${name} runs PostgreSQL 17; its engine offers no upgrade from it now.`,
    ),
  ).toBeVisible();
  await expect(page.getByLabel(/Upgrade to/)).toBeDisabled();
  await screenshot(page, testInfo, 'day2-3-upgrade-none-offered');
});
