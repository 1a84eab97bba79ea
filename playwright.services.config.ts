import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config';

// The portal in production-like mode (scripts/start-with-services.sh): PostgreSQL,
// Keycloak sign-in, metrics. The services must be running (scripts/test.sh starts
// them); the command only starts the portal against them.
export default defineConfig({
  ...baseConfig,
  testDir: 'packages/app/e2e-tests-services',
  outputDir: 'test-results/e2e-services',
  reporter: [['list']],
  webServer: {
    ...(baseConfig.webServer as object),
    command: './scripts/start-with-services.sh',
    env: {},
  },
});
