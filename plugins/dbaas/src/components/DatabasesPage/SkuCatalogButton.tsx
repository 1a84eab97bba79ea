import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { skuCatalogRouteRef } from '../../routes';

/** Leads to the SKUs on offer; absent where the Databases page is not mounted. */
export const SkuCatalogButton = () => {
  const skuCatalog = useRouteRef(skuCatalogRouteRef);
  if (!skuCatalog) return null;
  return (
    <LinkButton to={skuCatalog()} color="primary" variant="outlined">
      Service catalog
    </LinkButton>
  );
};
