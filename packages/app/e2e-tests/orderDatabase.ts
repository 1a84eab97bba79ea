import { expect, type Page } from '@playwright/test';

/**
 * Signs in as the guest and orders a shared PostgreSQL database in Lagos
 * through the "New database" template, up to its task's page; `onReview`
 * looks at the review step before the order is sent.
 */
export async function orderPostgres(
  page: Page,
  name: string,
  onReview?: () => Promise<void>,
): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await page.getByRole('button', { name: 'New database' }).first().click();
  await expect(page.getByLabel('Tenant')).toHaveValue('Payments');
  await page.getByLabel('Database name').fill(name);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Engine').selectOption({ label: 'PostgreSQL' });
  await page.getByLabel('Plan').selectOption({ label: 'Shared' });
  await page.getByLabel('Region').selectOption({ label: 'Lagos' });
  await page.getByLabel('SKU').selectOption('pg-shared');
  await page.getByRole('button', { name: 'Review' }).click();
  await onReview?.();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\//);
}
