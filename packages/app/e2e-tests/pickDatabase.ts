import { expect, type Page } from '@playwright/test';

/**
 * Picks the database `name` in the open day-2 template's entity picker, which
 * offers the databases the user's teams own. Where they own only one, the
 * picker has chosen it itself and is disabled: then it must be this one.
 */
export async function pickDatabase(
  page: Page,
  name: string,
  options: { timeout?: number } = {},
) {
  const picker = page.getByRole('textbox', { name: 'Database', exact: true });
  await expect(picker).toBeVisible(options);
  const ours = new RegExp(`(^|[./])${name}$`);
  if ((await picker.isDisabled()) || ours.test(await picker.inputValue())) {
    await expect(picker).toHaveValue(ours, { timeout: 1_000 });
    return;
  }
  await picker.fill(name);
  // An option reads the entity's title and ref, the name within them.
  await page.getByRole('option', { name: new RegExp(name) }).click(options);
}
