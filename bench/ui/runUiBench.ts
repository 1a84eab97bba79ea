/**
 * How long the portal takes to show the Databases page when the user's teams
 * have 1,000 databases. Prints figures; asserts nothing. See bench/ui/README.md.
 *
 * What is measured, in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against the running portal, signed in as the guest: by
 * default the frontend dev server of `yarn start` at :3000 (a development
 * build of React); with `BENCH_UI_BASE_URL=http://localhost:7007` after
 * `yarn workspace app build`, the production build the backend serves. The
 * printout says which build it measured.
 *
 * - The DBaaS API's list answers are the bench's own: the browser's requests
 *   for `GET /api/dbaas/v1/services`, `/organizations` and
 *   `/organizations/{id}/quotas` are answered in the browser (Playwright
 *   routes) from 1,000 generated databases in 10 tenants, paged and filtered
 *   as the backend does, after `BENCH_UI_API_DELAY_MS` (0 by default). The
 *   portal cannot hold 1,000 real ones: a tenant's quota is 10 instances and
 *   the API allows 100 requests a minute. Everything else (sign-in, the app,
 *   the catalog) is the real portal. So the figures are the frontend's time:
 *   routing, the lazily loaded page, React rendering and painting.
 * - Each figure runs from an action to the moment the databases table holds
 *   the expected rows (count and first name), no load is in flight and one
 *   frame has been painted since; clocked in the page (`performance.now()`).
 *
 * The steps, `BENCH_UI_RUNS` times each:
 * 1. Full load of `/databases` (navigation start → page 1's 20 rows painted):
 *    the whole app starts, as after typing the address.
 * 2. Sidebar → Databases from the home page (click → 20 rows of 1,000 painted).
 *    The first run loads the page's code; it is shown apart.
 * 3. 20 → 100 a page (click on "100" in the rows-per-page menu → 100 rows).
 * 4. Next page at 100 a page, pages 2 to 10 (click → the next 100 rows).
 * 5. All 1,000 on screen once: step 3 plus the nine steps 4 of a run, summed.
 */
import { chromium, type Page } from 'playwright-core';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData, benchDatabaseName, pageOfServices } from './benchDatabases';
import { pageProbeScript } from './pageProbe';
import { openPortal } from './portal';

const env = process.env;
function positiveInteger(name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number above 0, not ${env[name]}`);
  }
  return value;
}

const settings = {
  baseUrl: env.BENCH_UI_BASE_URL ?? 'http://localhost:3000',
  backendUrl: env.BENCH_UI_BACKEND_URL ?? 'http://localhost:7007',
  chromium: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  databases: positiveInteger('BENCH_UI_DATABASES', 1000),
  tenants: positiveInteger('BENCH_UI_TENANTS', 10),
  runs: positiveInteger('BENCH_UI_RUNS', 5),
  apiDelayMs: Number(env.BENCH_UI_API_DELAY_MS ?? 0),
  startTimeoutMs: positiveInteger('BENCH_UI_START_TIMEOUT_S', 600) * 1000,
};

const FIRST_PAGE_SIZE = 20;
const BIG_PAGE_SIZE = 100;

const log = (line: string) => process.stderr.write(`${line}\n`);

type Figures = number[];

function describe(figures: Figures) {
  const sorted = [...figures].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), min: sorted[0], max: sorted[sorted.length - 1] };
}

const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(9);

async function routeDbaasApi(page: Page, data: ReturnType<typeof benchData>) {
  const answer = async (body: unknown) => {
    if (settings.apiDelayMs > 0) await sleep(settings.apiDelayMs);
    return body;
  };
  await page.route(
    url => url.pathname === '/api/dbaas/v1/services',
    async route =>
      route.fulfill({
        json: await answer(
          pageOfServices(data.databases, new URL(route.request().url())),
        ),
      }),
  );
  await page.route(
    url => url.pathname === '/api/dbaas/v1/organizations',
    async route =>
      route.fulfill({ json: await answer({ data: [data.organization] }) }),
  );
  await page.route(
    url =>
      /^\/api\/dbaas\/v1\/organizations\/[^/]+\/quotas$/.test(url.pathname),
    async route => route.fulfill({ json: await answer({ data: data.quotas }) }),
  );
}

const untilRows = (page: Page, count: number, firstIndex: number) =>
  page.evaluate(
    `window.__dbaasBench.untilRows(${count}, ${JSON.stringify(
      benchDatabaseName(firstIndex),
    )})`,
  ) as Promise<number>;

const clickUntilRows = (
  page: Page,
  selector: string,
  count: number,
  firstIndex: number,
) =>
  page.evaluate(
    `window.__dbaasBench.clickUntilRows(${JSON.stringify(
      selector,
    )}, ${count}, ${JSON.stringify(benchDatabaseName(firstIndex))})`,
  ) as Promise<number>;

/**
 * Signs in as the guest. A development backend restarts when a source file
 * changes, and a sign-in during the restart fails: wait and try again.
 */
async function signIn(page: Page) {
  for (let attempt = 1; ; attempt++) {
    log('Signing in as the guest');
    await page.goto(settings.baseUrl);
    try {
      await page.getByRole('button', { name: 'Enter' }).click();
      await page.locator('nav a[href="/databases"]').waitFor();
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      log(`Sign-in failed (${String(error).split('\n')[0]}); again in 10 s`);
      await sleep(10_000);
    }
  }
}

/**
 * Loads `/databases` from the address bar; ms from navigation start to the
 * first page painted. A load that lands on the sign-in page instead (the
 * development backend restarted and lost the session) signs in and reloads.
 */
async function loadDatabasesPage(page: Page, rows: number): Promise<number> {
  const enter = page.getByRole('button', { name: 'Enter' });
  for (let attempt = 1; ; attempt++) {
    await page.goto(`${settings.baseUrl}/databases`);
    const painted = untilRows(page, rows, 0).then(
      time => time,
      () => undefined,
    );
    const signedOut = enter.waitFor({ timeout: 90_000 }).then(
      () => undefined,
      () => undefined,
    );
    const time = await Promise.race([painted, signedOut]);
    if (time !== undefined) return time;
    if (attempt === 3) {
      throw new Error('The Databases page did not show its rows, 3 times');
    }
    log('Landed on the sign-in page; signing in again');
    await signIn(page);
  }
}

async function goHome(page: Page) {
  await page.locator('nav a[href="/"]').last().click();
  await page.waitForFunction(
    `location.pathname === '/' && window.__dbaasBench.rows().length === 0`,
  );
}

async function main() {
  const data = benchData({
    databases: settings.databases,
    tenants: settings.tenants,
  });
  const pages = Math.ceil(settings.databases / BIG_PAGE_SIZE);
  const firstPageRows = Math.min(FIRST_PAGE_SIZE, settings.databases);
  const rowsOnPage = (index: number) =>
    Math.min(BIG_PAGE_SIZE, settings.databases - index * BIG_PAGE_SIZE);

  const portal = await openPortal({
    baseUrl: settings.baseUrl,
    backendUrl: settings.backendUrl,
    startTimeoutMs: settings.startTimeoutMs,
    log,
  });
  const browser = await chromium.launch({
    executablePath: settings.chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 },
  });
  try {
    await page.addInitScript(pageProbeScript);
    await routeDbaasApi(page, data);

    await signIn(page);

    const fullLoad: Figures = [];
    const sidebar: Figures = [];
    const bigPage: Figures = [];
    const nextPage: Figures = [];
    const all: Figures = [];

    for (let run = 0; run < settings.runs; run++) {
      log(`Run ${run + 1} of ${settings.runs}`);
      // 1. The whole app, from the address bar.
      fullLoad.push(await loadDatabasesPage(page, firstPageRows));

      // 2. From the home page through the sidebar, as people get there.
      await goHome(page);
      sidebar.push(
        await clickUntilRows(
          page,
          'nav a[href="/databases"]',
          firstPageRows,
          0,
        ),
      );
      if (settings.databases <= FIRST_PAGE_SIZE) continue;

      // 3. 100 a page: the menu opens first, the clock runs from the choice.
      await page.getByRole('button', { name: /20 rows/ }).click();
      await page.locator('li[data-value="100"]').waitFor();
      const first = await clickUntilRows(
        page,
        'li[data-value="100"]',
        rowsOnPage(0),
        0,
      );
      bigPage.push(first);

      // 4. and 5. The other pages, one after another.
      let total = first;
      for (let index = 1; index < pages; index++) {
        const step = await clickUntilRows(
          page,
          'table:Next Page',
          rowsOnPage(index),
          index * BIG_PAGE_SIZE,
        );
        nextPage.push(step);
        total += step;
      }
      all.push(total);
    }

    const version = browser.version();
    // Production chunks carry a content hash in their names; the dev server's do not.
    const build = (await page.evaluate(
      `Array.from(document.scripts).some(s => /[.][0-9a-f]{8,}[.](chunk[.])?js$/.test(s.src))`,
    ))
      ? 'production build'
      : 'development build';
    const rows: [string, Figures, boolean][] = [
      [`Full load of /databases → ${firstPageRows} rows`, fullLoad, false],
      [`Sidebar → Databases → ${firstPageRows} rows`, sidebar, true],
      [`20 → 100 a page → ${rowsOnPage(0)} rows`, bigPage, false],
      [`Next page at 100 a page (pages 2–${pages})`, nextPage, false],
      [
        `All ${settings.databases} rendered (100 a page, ${pages} pages)`,
        all,
        false,
      ],
    ];
    const lines = [
      '',
      `Databases page with ${settings.databases.toLocaleString(
        'en-US',
      )} databases in ${settings.tenants} tenants`,
      `Chromium ${version} headless, portal ${portal.baseUrl} (${build}), ` +
        `${settings.runs} runs, DBaaS list API answered in the browser after ${settings.apiDelayMs} ms`,
      `Load average at the end: ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')} (${new Date().toISOString()})`,
      '',
      `${'Step'.padEnd(48)}${'first'.padStart(9)}${'median'.padStart(
        9,
      )}${'min'.padStart(9)}${'max'.padStart(9)}  samples`,
    ];
    for (const [name, figures, coldFirst] of rows) {
      if (figures.length === 0) continue;
      // A step whose first run loads code is summarised without it.
      const warm = coldFirst && figures.length > 1 ? figures.slice(1) : figures;
      const { median, min, max } = describe(warm);
      lines.push(
        `${name.padEnd(48)}${ms(figures[0])}${ms(median)}${ms(min)}${ms(
          max,
        )}  ${figures.length}${warm === figures ? '' : ' (first apart)'}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    const shot = join(tmpdir(), `dbaas-bench-ui-failure-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    log(`What the page showed: ${shot}`);
    throw error;
  } finally {
    await browser.close();
    if (portal.started) {
      log('Stopping the portal this bench started');
      portal.stop();
    }
  }
}

const started = performance.now();
main().then(
  () => log(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s`),
  error => {
    log(String(error?.stack ?? error));
    process.exitCode = 1;
  },
);
