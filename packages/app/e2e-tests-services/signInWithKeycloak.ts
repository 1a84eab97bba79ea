import { expect, type Page } from '@playwright/test';

/**
 * Signs `username` in as a person does: the portal's Sign In button opens
 * Keycloak's login page in a popup, which closes once the password is taken
 * and the portal has its session.
 * The users and their password come from the keycloak service of
 * scripts/services.sh (docs/local-services.md).
 */
export async function signInWithKeycloak(page: Page, username: string) {
  const password = process.env.DBAAS_KEYCLOAK_USER_PASSWORD;
  expect(password, 'the keycloak service must be running').toBeTruthy();

  await page.goto('/');
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign In' }).click(),
  ]);
  await popup.locator('#username').fill(username);
  await popup.locator('#password').fill(password!);
  await Promise.all([
    popup.waitForEvent('close'),
    popup.locator('#kc-login').click(),
  ]);
}
