import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { serviceCatalogRouteRef } from '../../routes';

/** Leads to the SKUs on offer; absent where the Databases page is not mounted. */
export const ServiceCatalogButton = () => {
  const serviceCatalog = useRouteRef(serviceCatalogRouteRef);
  if (!serviceCatalog) return null;
  return (
    <LinkButton to={serviceCatalog()} color="primary" variant="outlined">
      Service catalog
    </LinkButton>
  );
};
