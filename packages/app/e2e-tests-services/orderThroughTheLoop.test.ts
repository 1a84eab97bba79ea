import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible } from '../e2e-tests/expectAccessible';
import { pickDatabase } from '../e2e-tests/pickDatabase';
import { signInWithKeycloak } from './signInWithKeycloak';

// The whole loop of scripts/start-with-services.sh (docs/local-services.md, "The
// whole loop for a person"): the portal commits the claim, Argo CD syncs it to
// both PoPs, lagos's ServiceClaim operator renders it. Argo CD looks at the
// repository again within seconds, the template's wait step holds the task for
// its minute, a backup and its restore each go the same way round, and the
// decommission waits for Argo CD to prune on both PoPs.
test.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../../..');

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: testInfo.outputPath(`${name}.png`),
    fullPage: true,
  });
}

/** The row of the database page's status card headed `label`. */
function statusRow(page: Page, label: string) {
  return page
    .getByRole('table', { name: 'Database status' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: label }) });
}

/** The Phase row of the database page's status card. */
function phase(page: Page) {
  return statusRow(page, 'Phase');
}

/**
 * Orders the decommission of Payments' database `name` through its template,
 * picking it as the portal offers, and waits for the task to say it is
 * requested.
 */
async function decommission(page: Page, name: string) {
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Create' }).click();
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Decommission a database' })
    .getByRole('button', { name: 'Choose' })
    .click();
  // The template's entity picker offers the databases ada's teams own; its
  // current settings show once one is picked.
  await pickDatabase(page, name);
  await expect(
    page.getByRole('table', { name: `Current settings of ${name}` }),
  ).toBeVisible();
  await page.getByLabel('Type the database name again').fill(name);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\//);
  await expect(page.getByRole('heading', { name: 'Requested' })).toBeVisible({
    timeout: 60_000,
  });
}

/** Logs how long `step` took since `start`, for the figures in the report. */
function took(step: string, start: number) {
  // eslint-disable-next-line no-console -- the run's output is the report
  console.log(`${step}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

/**
 * scripts/play-engine-operators.sh, as a person starts it in another terminal,
 * on the stack of the DBAAS_SERVICES_STATE this command runs with. In a process
 * group of its own, so that `stop` reaches the yarn and node it execs, as
 * Ctrl-C does; its output goes to the test's report.
 */
function playEngineOperators() {
  const child = spawn(
    path.join(repoRoot, 'scripts/play-engine-operators.sh'),
    [],
    { cwd: repoRoot, env: process.env, detached: true, stdio: 'pipe' },
  );
  const output: Buffer[] = [];
  child.stdout.on('data', chunk => output.push(chunk));
  child.stderr.on('data', chunk => output.push(chunk));
  const exited = new Promise(resolve => child.once('exit', resolve));
  return {
    async stop(testInfo: TestInfo) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGINT');
      }
      await exited;
      await testInfo.attach('play-engine-operators.log', {
        body: Buffer.concat(output),
        contentType: 'text/plain',
      });
    },
  };
}

test('ada orders a database that goes through Argo CD and the PoPs to Active, restores its backup into a new one, and decommissions both', async ({
  page,
}, testInfo) => {
  // A name of this run: the services and their databases outlive it.
  const name = `loop-${Date.now().toString(36)}`;

  await signInWithKeycloak(page, 'ada');
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await expect(page).toHaveURL(/\/databases$/);

  // Order it through the "New database" template: a shared PostgreSQL in Lagos.
  await page.getByRole('button', { name: 'New database' }).first().click();
  await expect(page).toHaveURL(/\/create\/templates\/default\/new-database/);
  // Ada belongs to one team only, which the picker chooses itself.
  await expect(page.getByLabel('Tenant')).toHaveValue('Payments');
  await page.getByLabel('Database name').fill(name);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Engine').selectOption({ label: 'PostgreSQL' });
  await page.getByLabel('Plan').selectOption({ label: 'Shared' });
  await page.getByLabel('Region').selectOption({ label: 'Lagos' });
  await page.getByLabel('SKU').selectOption('pg-shared');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  const ordered = Date.now();
  await expect(page).toHaveURL(/\/create\/tasks\//);

  // The task waits its minute for Active, which cannot come before the engine
  // operators play; the database is in the list as soon as it is ordered.
  await nav.getByRole('link', { name: 'Databases' }).click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('PostgreSQL');
  // Its catalog entity follows the order by a moment: until then its page
  // says it is not found, and a person would open it again.
  await expect(async () => {
    await page.goto('/databases');
    await row.getByRole('link', { name }).click();
    await expect(phase(page)).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByText(`tenants/payments/${name}.yaml`)).toBeVisible();

  // Argo CD syncs the committed claim to the PoPs and lagos's operator renders
  // it: the page follows by itself.
  await expect(phase(page)).toContainText('Provisioning', { timeout: 180_000 });
  took('order → Provisioning', ordered);
  await screenshot(page, testInfo, '1-provisioning');

  // No engine operator runs here; the stand-in plays them and the page shows
  // the database Active without a reload. It plays on until the database is
  // gone: the decommission's final backup is CloudNativePG's to take.
  const played = Date.now();
  const player = playEngineOperators();
  try {
    await expect(phase(page)).toContainText('Active', { timeout: 120_000 });
    took('play → Active', played);
    await screenshot(page, testInfo, '2-active');

    // The Kubernetes tab: each PoP is a cluster, titled with its entity's
    // title (kubernetesModuleDbaasPops). Lagos runs the database, its claim
    // and the CloudNativePG Cluster it rendered; frankfurt holds the claim
    // Argo CD synced there too, and renders nothing of it.
    await page.getByRole('link', { name: 'Kubernetes', exact: true }).click();
    // Each PoP's accordion, opened: its summary heads it.
    const titles: Record<string, string> = {
      lagos: 'Lagos',
      frankfurt: 'Frankfurt',
    };
    const summary = (pop: string) =>
      page.getByRole('button', {
        name: `${titles[pop]} Cluster`,
        exact: true,
      });
    for (const pop of ['lagos', 'frankfurt']) await summary(pop).click();
    // The drawer's button inside each resource's accordion summary has the
    // same name as the summary.
    const resource = (pop: string, kind: string) =>
      summary(pop)
        .locator('xpath=..')
        .getByRole('button', { name: `${name} ${kind}`, exact: true });
    await expect(resource('lagos', 'ServiceClaim').first()).toBeVisible();
    await expect(resource('lagos', 'Cluster').first()).toBeVisible();
    await expect(resource('frankfurt', 'ServiceClaim').first()).toBeVisible();
    await expect(resource('frankfurt', 'Cluster')).toHaveCount(0);
    await screenshot(page, testInfo, '3-kubernetes');

    // Back it up now: the request rides on the claim to lagos, whose operator
    // has CloudNativePG take it; the stand-in completes it with the id a
    // restore names, and the Backups tab follows without a reload.
    await page.getByRole('link', { name: 'Backups', exact: true }).click();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const backUpNow = page.getByRole('dialog');
    await backUpNow.getByLabel(/Description/).fill('before the restore drill');
    await backUpNow.getByRole('button', { name: 'Start backup' }).click();
    const backedUp = Date.now();
    const backupRow = page
      .getByRole('table', { name: 'Backups' })
      .getByRole('row')
      .filter({ hasText: 'before the restore drill' });
    await expect(backupRow).toContainText('completed', { timeout: 120_000 });
    took('back up → completed', backedUp);
    await screenshot(page, testInfo, '4-backup-completed');

    // Restore it into a new database. Its name must not contain the
    // original's: the lists below are filtered by name.
    const copy = `copy-${name.slice('loop-'.length)}`;
    await backupRow
      .getByRole('button', {
        name: /^Restore the backup of .* into a new database$/,
      })
      .click();
    const restoreDialog = page.getByRole('dialog');
    await restoreDialog.getByLabel('New database name').fill(copy);
    await expect(
      restoreDialog.getByRole('radio', { name: 'The end of the backup' }),
    ).toBeChecked();
    await screenshot(page, testInfo, '5-restore-dialog');
    await expectAccessible(page, 'the restore dialog');
    await restoreDialog
      .getByRole('button', { name: 'Restore', exact: true })
      .click();
    const restored = Date.now();
    await expect(restoreDialog.getByRole('status')).toContainText(
      `Restore requested: the new database ${copy} is provisioning`,
    );
    await screenshot(page, testInfo, '6-restore-requested');

    // The new database's page, from the dialog's link. Its catalog entity
    // follows the restore by a moment: until then its page says it is not
    // found, and a person would reload it.
    await restoreDialog.getByRole('link', { name: copy }).click();
    await expect(async () => {
      if (!(await phase(page).isVisible())) await page.reload();
      await expect(phase(page)).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByText(`tenants/payments/${copy}.yaml`)).toBeVisible();
    const source = statusRow(page, 'Restored from').getByRole('link', {
      name,
      exact: true,
    });
    await expect(source).toBeVisible();
    await screenshot(page, testInfo, '7-restored');
    // It goes the same way round as the order, the stand-in playing
    // CloudNativePG's recovered Cluster, and the page follows by itself.
    await expect(phase(page)).toContainText('Active', { timeout: 120_000 });
    took('restore → Active', restored);
    await screenshot(page, testInfo, '8-restored-active');

    // Back on the source, its Restores list has the restore done: done once
    // the new database was Active.
    await source.click();
    await page.getByRole('link', { name: 'Backups', exact: true }).click();
    await expect(
      page
        .getByRole('table', { name: 'Restores' })
        .getByRole('row')
        .filter({ hasText: copy }),
    ).toContainText('completed');
    await screenshot(page, testInfo, '9-source-restores');

    // Decommission both through their template: each takes a final backup,
    // its removal is committed, Argo CD prunes its claim on both PoPs, each
    // operator lets it go, and it leaves the list. The copy goes too, so that
    // runs on a long-lived stack do not fill Payments' quota with copies.
    const decommissioned = Date.now();
    await decommission(page, copy);
    await decommission(page, name);
    // A live database's row links to its page; a deleted one's, under
    // "Recently deleted", names it and offers its backups.
    const liveRow = (database: string) =>
      page.getByRole('row').filter({
        has: page.getByRole('link', { name: database, exact: true }),
      });
    // Gone once the list, opened again, no longer has them: either the list
    // with its search box or, where they were the team's only databases,
    // the page that says there are none. They are then among the recently
    // deleted, whose backups can still be restored.
    await expect(async () => {
      await nav.getByRole('link', { name: 'Databases' }).click();
      await expect(
        page
          .getByRole('searchbox', { name: 'Search by name' })
          .or(page.getByRole('heading', { name: 'No databases yet' })),
      ).toBeVisible({ timeout: 10_000 });
      await expect(liveRow(name)).toHaveCount(0, { timeout: 1_000 });
      await expect(liveRow(copy)).toHaveCount(0, { timeout: 1_000 });
      await expect(
        page.getByRole('button', { name: `Backups of ${name}`, exact: true }),
      ).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 180_000 });
    took('decommission → both gone', decommissioned);
    await screenshot(page, testInfo, '10-decommissioned');
  } finally {
    await player.stop(testInfo);
  }
});
