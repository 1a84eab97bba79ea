import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible } from './expectAccessible';

// The template's wait step gives a claim a minute to become Active; with the
// embedded defaults no cluster takes it, so the task ends after that minute.
test.setTimeout(300_000);

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: testInfo.outputPath(`${name}.png`),
    fullPage: true,
  });
}

/** The quota bar of `resource` for the Payments tenant, e.g. "Instances". */
function quotaBar(page: Page, resource: string) {
  return page.getByRole('progressbar', {
    name: `${resource} used by Payments`,
  });
}

test('a developer orders a database, finds it, backs it up and sees the quota move', async ({
  page,
}, testInfo) => {
  // A name of this run: the data directory is fresh in CI, not always locally.
  const name = `orders-${Date.now().toString(36)}`;

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await expect(page).toHaveURL(/\/databases$/);
  const instancesBefore = Number(
    await quotaBar(page, 'Instances').getAttribute('aria-valuenow'),
  );
  const backupsBefore = Number(
    await quotaBar(page, 'Backups').getAttribute('aria-valuenow'),
  );

  // Order it through the "New database" template.
  await page.getByRole('button', { name: 'New database' }).first().click();
  await expect(page).toHaveURL(/\/create\/templates\/default\/new-database/);
  // The guest belongs to one team only, which the picker chooses itself.
  await expect(page.getByLabel('Tenant')).toHaveValue('Payments');
  await page.getByLabel('Database name').fill(name);
  await screenshot(page, testInfo, '1-template-owner');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Engine').selectOption({ label: 'PostgreSQL' });
  await page.getByLabel('Plan').selectOption({ label: 'Shared' });
  await page.getByLabel('Region').selectOption({ label: 'Lagos' });
  await page.getByLabel('SKU').selectOption('pg-shared');
  await expect(page.getByText(/SLA 99(\.\d+)?% \(Shared\)/)).toBeVisible();
  await screenshot(page, testInfo, '2-template-offering');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task commits the claim and waits its minute for the cluster.
  const open = page.getByRole('button', { name: 'Open the database' });
  await expect(open).toBeVisible({ timeout: 150_000 });
  await screenshot(page, testInfo, '3-task-completed');

  // The Databases list shows it, and the instances bar counts it.
  await nav.getByRole('link', { name: 'Databases' }).click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('PostgreSQL');
  await expect(row).toContainText('Pending');
  await expect(quotaBar(page, 'Instances')).toHaveAttribute(
    'aria-valuenow',
    String(instancesBefore + 1),
  );
  await screenshot(page, testInfo, '4-databases');
  await expectAccessible(page, 'the Databases page');

  // Its entity page: status, the claim committed to the GitOps repository.
  await row.getByRole('link', { name }).click();
  await expect(page.getByText(`tenants/payments/${name}.yaml`)).toBeVisible();
  await expect(page.getByText('Committed', { exact: false })).toBeVisible();
  await screenshot(page, testInfo, '5-entity-overview');
  await expectAccessible(page, 'the database overview');

  // Back it up now.
  await page.getByRole('link', { name: 'Backups', exact: true }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Description/).fill('before the e2e migration');
  await dialog.getByRole('button', { name: 'Start backup' }).click();
  const manual = page
    .getByRole('table', { name: 'Backups' })
    .getByRole('row')
    .filter({ hasText: 'before the e2e migration' });
  await expect(manual).toContainText(/pending/i);
  // No cluster takes the backup here, so it never completes: only a completed
  // backup offers a restore, and none has been restored.
  await expect(manual.getByRole('button', { name: /^Restore/ })).toHaveCount(0);
  await expect(
    page.getByText('No backup of this database has been restored yet.'),
  ).toBeVisible();
  await screenshot(page, testInfo, '6-entity-backups');
  await expectAccessible(page, 'the Backups tab');

  // Metrics: no Prometheus in the embedded defaults; the API's message shows.
  await page.getByRole('link', { name: 'Metrics', exact: true }).click();
  await expect(
    page.getByText('Metrics are not configured for this portal'),
  ).toBeVisible();
  await screenshot(page, testInfo, '7-entity-metrics');
  await expectAccessible(page, 'the Metrics tab');

  // Kubernetes: the embedded defaults configure no cluster; the tab says so.
  await page.getByRole('link', { name: 'Kubernetes', exact: true }).click();
  await expect(page.getByText(/cluster/i).first()).toBeVisible();
  await screenshot(page, testInfo, '8-entity-kubernetes');

  // The backups bar moved.
  await nav.getByRole('link', { name: 'Databases' }).click();
  await expect(quotaBar(page, 'Backups')).toHaveAttribute(
    'aria-valuenow',
    String(backupsBefore + 1),
  );
  await screenshot(page, testInfo, '9-databases-after-backup');
});

test('a developer sees on the Backups tab why a Vitess database cannot be backed up now or restored', async ({
  page,
}, testInfo) => {
  const name = `sessions-${Date.now().toString(36)}`;

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await page.getByRole('button', { name: 'New database' }).first().click();
  await expect(page.getByLabel('Tenant')).toHaveValue('Payments');
  await page.getByLabel('Database name').fill(name);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Engine').selectOption({ label: 'Vitess (MySQL)' });
  await page.getByLabel('Plan').selectOption({ label: 'Shared' });
  await page.getByLabel('Region').selectOption({ label: 'Lagos' });
  await page.getByLabel('SKU').selectOption('vt-shared');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\//);

  // The database is in the list as soon as it is ordered, before the task's
  // minute is up; its catalog entity follows by a moment.
  await nav.getByRole('link', { name: 'Databases' }).click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Vitess');
  await expect(async () => {
    await page.goto('/databases');
    await row.getByRole('link', { name }).click();
    await expect(page.getByText(`tenants/payments/${name}.yaml`)).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });

  // The tab says why, in the engine's own terms, instead of offering what the
  // platform cannot do: the Vitess operator backs up on its schedule only,
  // and Vitess does not restore yet (only MongoDB and PostgreSQL do). A
  // Restore button shows only on a completed backup, and no backup completes
  // here (no cluster; and only MongoDB's and PostgreSQL's backups report
  // completion at all), so the tab's own statement is where a person reads
  // the restore reason.
  await page.getByRole('link', { name: 'Backups', exact: true }).click();
  const backUpNow = page.getByRole('button', { name: 'Back up now' });
  await expect(backUpNow).toBeDisabled();
  // The reason is shown beneath the button and read out with it.
  const noManualBackup =
    'The Vitess operator backs up only on its schedule: it has no backup resource to take one now';
  await expect(page.getByText(noManualBackup, { exact: true })).toBeVisible();
  await expect(backUpNow).toHaveAccessibleDescription(noManualBackup);
  await expect(
    page.getByText(
      'Restores are not built yet for this engine: the operator renders no restore for it, so the portal offers none',
      { exact: true },
    ),
  ).toBeVisible();
  await expect(
    page.getByText('This database has no backups yet.'),
  ).toBeVisible();
  // Nothing to list: no Restores card for an engine that cannot restore.
  await expect(
    page.getByText('No backup of this database has been restored yet.'),
  ).toHaveCount(0);
  await screenshot(page, testInfo, 'vitess-backups');
  await expectAccessible(page, 'the Backups tab of a Vitess database');
});
