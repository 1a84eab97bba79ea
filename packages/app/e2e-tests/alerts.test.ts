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

const RUNBOOK =
  'https://docs.example.com/dbaas/observability.md#dbaasdatabasediskhigh';

/** What a PoP's Alertmanager posts when the database's disk alert fires. */
function diskAlert(serviceId: string) {
  return {
    version: '4',
    status: 'firing',
    receiver: 'dbaas-portal',
    groupKey: `{}:{alertname="DbaasDatabaseDiskHigh", dbaas_io_service_id="${serviceId}"}`,
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: 'DbaasDatabaseDiskHigh',
          severity: 'warning',
          dbaas_io_service_id: serviceId,
          namespace: 'tenant-payments',
          engine: 'postgresql',
        },
        annotations: {
          summary: "A database's volumes are more than 85% full.",
          runbook_url: RUNBOOK,
        },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: serviceId.replace(/-/g, '').slice(0, 16),
      },
    ],
  };
}

test("a database's team sees its firing alert on its page and in its notifications, and mutes it", async ({
  page,
  request,
}, testInfo) => {
  const name = `alerted-${Date.now().toString(36)}`;
  await orderPostgres(page, name);

  // Its page, once its catalog entity exists (a moment after the order),
  // and its id as the page asks the API for it.
  let serviceId = '';
  await expect(async () => {
    const details = page.waitForResponse(
      response =>
        /\/api\/dbaas\/v1\/services\/[0-9a-f-]{36}$/.test(response.url()),
      { timeout: 10_000 },
    );
    await page.goto(`/catalog/default/resource/payments.${name}`);
    serviceId = (await details).url().split('/').pop()!;
  }).toPass({ timeout: 90_000 });
  const card = page.getByRole('region', { name: 'Alerts' });
  await expect(card.getByText('No alert is firing.')).toBeVisible();

  // The PoP's Alertmanager posts the alert with its external-access token
  // (app-config.e2e.yaml; a new one each run, from playwright.config.ts).
  const sent = await request.post(
    'http://localhost:7007/api/dbaas/v1/alerts/alertmanager',
    {
      headers: {
        Authorization: `Bearer ${process.env.DBAAS_E2E_ALERTMANAGER_TOKEN}`,
      },
      data: diskAlert(serviceId),
    },
  );
  expect(sent.status()).toBe(200);
  expect(await sent.json()).toEqual({ recorded: 1, ignored: [] });

  // The card looks again every 30 s; a reload shows it at once.
  await page.reload();
  const row = card
    .getByRole('row')
    .filter({ hasText: 'DbaasDatabaseDiskHigh' });
  await expect(row).toContainText(
    "A database's volumes are more than 85% full.",
  );
  await expect(row.getByRole('link', { name: /What to do/ })).toHaveAttribute(
    'href',
    RUNBOOK,
  );
  await screenshot(page, testInfo, 'alerts-1-entity-page');
  await expectAccessible(page, "the database's page with a firing alert");

  // The guest is of Payments, the database's team: the notification is theirs.
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: /Notifications/ }).click();
  await expect(
    page.getByText(`DbaasDatabaseDiskHigh on ${name}`).first(),
  ).toBeVisible();
  await screenshot(page, testInfo, 'alerts-2-notifications');

  // Muted for an hour, with a reason: shown on the card.
  await page.goBack();
  await card.getByRole('button', { name: 'Mute alerts' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Reason/).fill('resizing the volume');
  await dialog.getByRole('button', { name: 'Mute' }).click();
  await expect(card).toContainText(
    'by user:default/guest: resizing the volume',
  );
  await screenshot(page, testInfo, 'alerts-3-muted');
});
