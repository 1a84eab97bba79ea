import { parseEntityRef } from '@backstage/catalog-model';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';

const tenantName = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

/**
 * A tenant's title, from the organizations; its group's name when they do not
 * have it (not loaded, or failed to load).
 */
export function tenantTitles(
  organizations: Organization[],
): (tenantRef: string) => string {
  const titles = new Map(
    organizations.flatMap(org =>
      org.tenants.map(t => [t.id.toLowerCase(), t.title] as const),
    ),
  );
  return ref => titles.get(ref.toLowerCase()) ?? tenantName(ref);
}
