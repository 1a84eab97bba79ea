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

  // The portal signs in only people its catalog knows: right after it starts,
  // before the catalog has read its users, Keycloak's answer is refused and
  // the sign-in page stays, and a person signs in again. The second time,
  // Keycloak knows the browser and the popup closes by itself.
  // Signed in: the sidebar's links are there (the nav element itself has no box).
  const nav = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Databases' });
  const signIn = page.getByRole('button', { name: 'Sign In' });
  await expect(async () => {
    await page.goto('/');
    await expect(nav.or(signIn)).toBeVisible({ timeout: 30_000 });
    if (await nav.isVisible()) return;
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      signIn.click(),
    ]);
    // The login form, or nothing when Keycloak already knows the browser:
    // waiting for the form then ends with the popup closing by itself.
    const form = popup.locator('#username');
    const asked = await form.waitFor({ timeout: 30_000 }).then(
      () => true,
      () => false,
    );
    if (asked) {
      await form.fill(username);
      await popup.locator('#password').fill(password!);
      await Promise.all([
        popup.waitForEvent('close'),
        popup.locator('#kc-login').click(),
      ]);
    }
    await expect(nav).toBeVisible({ timeout: 30_000 });
  }).toPass({ timeout: 90_000 });
}
