import { useApi } from '@backstage/frontend-plugin-api';
import type { Region } from '@internal/backstage-plugin-dbaas-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../api/DbaasApi';

const NO_REGIONS: Region[] = [];

/**
 * The regions (PoPs) databases can be ordered in, from the API: they are
 * catalog entities, so a new one shows without a release of the portal. The
 * cards of a page ask at once and make one request (see coalesceReads).
 * `regionName` gives an id's display name, or the id itself while the list
 * loads or when it failed to: the id is what the rest of the page uses, so
 * nothing is wrong without the names, only less readable.
 */
export function useRegions(): {
  regions: Region[];
  regionName: (id: string) => string;
} {
  const dbaasApi = useApi(dbaasApiRef);
  const { value } = useAsync(() => dbaasApi.listRegions(), [dbaasApi]);
  return useMemo(() => {
    const regions = value ?? NO_REGIONS;
    const names = new Map(regions.map(r => [r.id, r.displayName]));
    return { regions, regionName: (id: string) => names.get(id) ?? id };
  }, [value]);
}
