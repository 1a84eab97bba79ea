import { parseEntityRef } from '@backstage/catalog-model';

/**
 * An organization's segment of its page's path: its name when it is in the
 * default namespace (`/databases/organizations/acme`), else its whole
 * reference. The API takes either.
 */
export function organizationPathParam(organizationRef: string): string {
  const { namespace, name } = parseEntityRef(organizationRef);
  return namespace === 'default' ? name : organizationRef;
}
