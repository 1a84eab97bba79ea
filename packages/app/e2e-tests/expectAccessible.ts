import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Fails with the rule ids and targets of every serious or critical axe
 * violation.
 *
 * Not of the sidebar's Notifications link: with unread notifications (the
 * tests of one run share the portal, and alerts.test.ts leaves the guest one)
 * Backstage's NotificationsSidebarItem reads "Notifications 1" under the name
 * "Notifications" (axe: label-content-name-mismatch), which is upstream's.
 */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .exclude('a[href="/notifications"]')
    .analyze();
  const serious = results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${what}`).toEqual([]);
}
