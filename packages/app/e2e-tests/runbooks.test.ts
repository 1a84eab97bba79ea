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

/**
 * Waits until the TechDocs reader shows its page: it keeps the site's document
 * at opacity 0, behind a progress bar, until the site's stylesheets loaded
 * (plugin-techdocs-react, useShadowDomStylesLoading); locators see the text
 * before people do.
 */
async function docsShown(page: Page) {
  await expect
    .poll(
      () =>
        page
          .getByTestId('techdocs-native-shadowroot')
          .evaluate(
            host =>
              getComputedStyle(host.shadowRoot!.firstElementChild!).opacity,
          ),
      { timeout: 60_000 },
    )
    .toBe('1');
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 60_000,
  });
}

/** The entity page's tab (a link, as the page's tabs are). */
const techDocsTab = (page: Page) =>
  page.getByRole('link', { name: 'TechDocs', exact: true });

test("a database's TechDocs tab shows its engine's runbook, built by the TechDocs backend", async ({
  page,
}, testInfo) => {
  const name = `runbook-${Date.now().toString(36)}`;
  await orderPostgres(page, name);

  // Its page, once its catalog entity exists (a moment after the order). The
  // entity names the runbook (backstage.io/techdocs-entity), whose site the
  // TechDocs backend builds with mkdocs the first time it is asked for.
  await expect(async () => {
    await page.goto(`/catalog/default/resource/payments.${name}`);
    await expect(techDocsTab(page)).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  await techDocsTab(page).click();
  await expect(page).toHaveURL(/\/docs$/);

  // The site renders in a shadow root, which Playwright's locators pierce.
  await expect(
    page.getByRole('heading', { name: 'PostgreSQL runbook', level: 1 }),
  ).toBeVisible({ timeout: 120_000 });
  await expect(
    page.getByRole('heading', { name: 'What runs', level: 2 }),
  ).toBeVisible();
  await expect(page.getByText('pg-shared', { exact: true })).toBeVisible();
  await docsShown(page);
  await screenshot(page, testInfo, 'runbooks-1-overview');
  await expectAccessible(page, "the PostgreSQL runbook on the database's page");

  // Its pages, within the tab: the alerts an on-call person lands on.
  await page
    .getByRole('navigation')
    .getByRole('link', { name: 'Alerts', exact: true })
    .first()
    .click();
  await expect(
    page.getByRole('heading', { name: 'DbaasDatabaseUnhealthy', level: 2 }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveURL(/\/docs\/alerts\/?$/);
  await docsShown(page);
  await screenshot(page, testInfo, 'runbooks-2-alerts');
  await expectAccessible(page, "the PostgreSQL runbook's alerts");
});
