import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

// Each run starts the portal with the embedded defaults on a fresh data directory,
// so the test sees what a newcomer sees after `scripts/start.sh`.
// Set in the runner, before the workers start with its environment, so that
// a test can reach the portal's database (platform.test.ts).
const dataDir = (process.env.DBAAS_E2E_DATA_DIR ??= path.join(
  os.tmpdir(),
  `dbaas-e2e-${process.pid}`,
));
const reuse = !process.env.CI;
// The token alerts.test.ts posts alerts with, as a PoP's Alertmanager
// (app-config.e2e.yaml): a new one each run, never written down. Set here in
// the runner, before the workers start with its environment.
process.env.DBAAS_E2E_ALERTMANAGER_TOKEN ??=
  randomBytes(24).toString('base64url');

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'test-results/e2e',
  webServer: {
    // Absolute paths: each package resolves relative ones from its own folder.
    command: [
      'yarn start',
      `--config ${path.resolve(__dirname, 'app-config.yaml')}`,
      `--config ${path.resolve(__dirname, 'app-config.e2e.yaml')}`,
    ].join(' '),
    // The dev server answers once the frontend is compiled; the backend is up well before.
    url: 'http://localhost:3000',
    env: {
      DBAAS_E2E_DATA_DIR: dataDir,
      DBAAS_E2E_ALERTMANAGER_TOKEN: process.env.DBAAS_E2E_ALERTMANAGER_TOKEN,
    },
    reuseExistingServer: reuse,
    // The first start compiles the frontend: about 90 s on two cores.
    timeout: 600_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: browser downloads are not reachable from every machine.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
