import { usePermission } from '@backstage/plugin-permission-react';
import { dbaasPlatformReadPermission } from '@internal/backstage-plugin-dbaas-common';

/**
 * Whether the user is a platform admin (holds `dbaas.platform.read`), asked of
 * the permission framework so that the page offers the platform screen only
 * to them; the API decides again on each request.
 */
export function usePlatformAdmin(): { allowed: boolean; loading: boolean } {
  const { allowed, loading } = usePermission({
    permission: dbaasPlatformReadPermission,
  });
  return { allowed, loading };
}
