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

// The guest is the organization's first owner (app-config.e2e.yaml,
// dbaas.permissions.initialOwners), with a ceiling of 50 databases a tenant.
test("an organization's owner grants a role, changes it, sets a quota and reads the audit log", async ({
  page,
}, testInfo) => {
  // A database of this run, for the audit log to lead to.
  const name = `audited-${Date.now().toString(36)}`;
  await orderPostgres(page, name);

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Databases' }).click();
  await page.getByRole('button', { name: 'Organization', exact: true }).click();
  await expect(page).toHaveURL(/\/databases\/organizations\/dbaas-org$/);
  await expect(
    page.getByRole('heading', { name: 'DBaaS customers' }),
  ).toBeVisible();

  // Members: the guest is the last owner, whose role nobody may take away.
  const members = page.getByRole('tabpanel', { name: 'Members' });
  const guest = members.getByRole('row').filter({ hasText: 'The last owner' });
  await expect(guest).toContainText('Org owner');
  await expect(guest.getByRole('button')).toHaveCount(0);
  await screenshot(page, testInfo, '1-members');
  await expectAccessible(page, 'the Members tab');

  // Grant Ada the org-admin role on the whole organization.
  await members.getByRole('button', { name: 'Grant a role' }).click();
  const grant = page.getByRole('dialog', {
    name: 'Grant a role in DBaaS customers',
  });
  await grant.getByLabel(/User or group/).fill('ada');
  await grant
    .getByLabel('On', { exact: true })
    .selectOption({ label: 'The whole organization' });
  await grant.getByLabel(/Role/).selectOption({ label: 'Org admin' });
  await expect(grant.getByText(/Org admin: databases, backups/)).toBeVisible();
  await screenshot(page, testInfo, '2-grant-dialog');
  await expectAccessible(page, 'the Grant a role dialog');
  await grant.getByRole('button', { name: 'Grant' }).click();
  await expect(grant).toBeHidden();
  // Rows are found by their buttons, whose names hold the reference.
  const change = page.getByRole('button', {
    name: 'Change role of user:default/ada',
  });
  const ada = members.getByRole('row').filter({ has: change });
  await expect(ada).toContainText('Org admin');
  await expect(ada).toContainText('by Guest developer');

  // Change her role to org-member.
  await change.click();
  const changing = page.getByRole('dialog', {
    name: 'Change the role of user:default/ada',
  });
  await changing.getByLabel(/Role/).selectOption({ label: 'Org member' });
  await changing.getByRole('button', { name: 'Change role' }).click();
  await expect(changing).toBeHidden();
  await expect(ada).toContainText('Org member');
  await screenshot(page, testInfo, '3-members-changed');

  // Quotas: a limit above the platform's ceiling is refused, saying why.
  await page.getByRole('tab', { name: 'Quotas' }).click();
  const quotas = page.getByRole('tabpanel', { name: 'Quotas' });
  await expect(
    quotas.getByText(
      /No limit may exceed the platform's ceiling: instances 50/,
    ),
  ).toBeVisible();
  await quotas.getByRole('button', { name: 'Edit quota of Payments' }).click();
  const quota = page.getByRole('dialog', { name: 'Quota of Payments' });
  const instances = quota.getByRole('spinbutton', { name: 'Instances' });
  await instances.fill('60');
  await expect(
    quota.getByText("Must be at most 50, the platform's ceiling"),
  ).toBeVisible();
  await expect(
    quota.getByRole('button', { name: 'Save quota' }),
  ).toBeDisabled();
  await screenshot(page, testInfo, '4-quota-above-ceiling');
  await expectAccessible(page, 'the quota dialog');
  await instances.fill('12');
  await quota.getByRole('button', { name: 'Save quota' }).click();
  await expect(quota).toBeHidden();
  await expect(
    quotas.getByRole('progressbar', { name: 'Instances used by Payments' }),
  ).toHaveAttribute('aria-valuemax', '12');
  await screenshot(page, testInfo, '5-quotas');
  await expectAccessible(page, 'the Quotas tab');

  // The audit log: the grants on the whole organization, by the guest.
  await page.getByRole('tab', { name: 'Audit log' }).click();
  const audit = page.getByRole('tabpanel', { name: 'Audit log' });
  await audit
    .getByLabel('Tenant', { exact: true })
    .selectOption({ label: 'DBaaS customers (the organization itself)' });
  await audit.getByLabel('Action').selectOption({ label: 'Role granted' });
  await audit.getByLabel('User', { exact: true }).fill('guest');
  const grants = audit
    .getByRole('row')
    .filter({ hasText: 'Role of Ada Okafor' });
  // Granted org-admin, then org-member: newest first.
  await expect(grants.nth(0)).toContainText(
    'Org member on the whole organization',
  );
  await expect(grants.nth(1)).toContainText(
    'Org admin on the whole organization',
  );
  await expect(grants.nth(0)).toContainText('Guest developer');
  await screenshot(page, testInfo, '6-audit-grants');

  // An event about a database leads to its page.
  await audit
    .getByLabel('Tenant', { exact: true })
    .selectOption({ label: 'Payments' });
  await audit.getByLabel('Action').selectOption({ label: 'Database ordered' });
  const ordered = audit.getByRole('link', { name });
  await expect(ordered).toHaveAttribute(
    'href',
    `/catalog/default/resource/payments.${name}`,
  );
  await screenshot(page, testInfo, '7-audit-database');
  await expectAccessible(page, 'the Audit log tab');
  await ordered.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/resource/payments\\.${name}`),
  );
});
