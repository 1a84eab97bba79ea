import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config';

// The portal in production-like mode (scripts/start-with-services.sh): PostgreSQL,
// Keycloak sign-in, metrics. The services must be running (scripts/test.sh starts
// them); the command only starts the portal against them.
export default defineConfig({
  ...baseConfig,
  testDir: 'packages/app/e2e-tests-services',
  outputDir: 'test-results/e2e-services',
  // Bounded actions: a click or fill waiting for what never comes fails the
  // test with its locator rather than hanging to the test's timeout.
  use: { ...baseConfig.use, actionTimeout: 30_000 },
  reporter: [['list']],
  webServer: {
    ...(baseConfig.webServer as object),
    command: './scripts/start-with-services.sh',
    env: {},
    // SIGTERM, not Playwright's default SIGKILL: the script's EXIT trap then
    // drains the PoPs' operators and removes their config layer, which holds
    // tokens.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
  },
});
