import { expect, test } from '@playwright/test';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expectAccessible } from './expectAccessible';
import { orderPostgres } from './orderDatabase';

test.setTimeout(300_000);

/**
 * The portal's own database (app-config.e2e.yaml). The embedded defaults have
 * no PoP cluster, so no operator ever reports a database Failed: the test
 * records the report a PoP's operator would make, as the status watch does.
 */
function reportFailed(name: string, detail: string) {
  const db = new DatabaseSync(
    path.join(process.env.DBAAS_E2E_DATA_DIR!, 'sqlite', 'dbaas.sqlite'),
  );
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const row = db
      .prepare(
        'SELECT id, generation FROM service_instances WHERE name = ? AND deleted_at IS NULL',
      )
      .get(name) as { id: string; generation: number } | undefined;
    // A cluster reports on a claim once it is committed and synced there.
    const committed =
      row &&
      db
        .prepare(
          "SELECT 1 FROM service_timeline WHERE service_id = ? AND step = 'committed'",
        )
        .get(row.id);
    if (!row || !committed) return false;
    const now = Date.now();
    db.prepare(
      "UPDATE service_instances SET status = 'Failed', updated_at = ? WHERE id = ?",
    ).run(now, row.id);
    db.prepare(
      "INSERT INTO service_timeline (service_id, step, generation, cluster, detail, at) VALUES (?, 'failed', ?, 'lagos', ?, ?)",
    ).run(row.id, row.generation, detail, now);
    return true;
  } finally {
    db.close();
  }
}

// The guest is a platform admin in app-config.e2e.yaml.
test('a platform admin sees the tenants, the PoPs and a failed database', async ({
  page,
}, testInfo) => {
  const name = `broken-${Date.now().toString(36)}`;
  await orderPostgres(page, name);
  await expect
    .poll(() => reportFailed(name, 'the volume could not be bound'), {
      timeout: 60_000,
    })
    .toBe(true);

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await page.getByRole('button', { name: 'Platform', exact: true }).click();
  await expect(page).toHaveURL(/\/databases\/platform$/);

  // The failed database, with its last step, leading to its page.
  const failed = page.getByRole('row').filter({
    has: page.getByRole('link', { name, exact: true }),
  });
  await expect(failed).toContainText('Failed');
  await expect(failed).toContainText('failed in lagos');
  await expect(failed).toContainText('the volume could not be bound');

  // A tenant's usage against its quota.
  await expect(
    page.getByRole('progressbar', { name: 'Instances used by Payments' }),
  ).toHaveAttribute('aria-valuetext', /^\d+ of \d+/);

  // A PoP with the databases it holds: at least the one ordered here.
  const lagos = page
    .getByRole('row')
    .filter({ hasText: 'lagos' })
    .filter({
      hasText: /PostgreSQL \d+/,
    });
  await expect(lagos.first()).toBeVisible();

  await page.screenshot({
    path: testInfo.outputPath('platform.png'),
    fullPage: true,
  });
  await expectAccessible(page, 'the platform screen');

  await failed.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/resource/payments\\.${name}`),
  );
});
