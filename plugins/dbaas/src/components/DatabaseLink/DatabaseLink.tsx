import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { serviceEntityName } from '@internal/backstage-plugin-dbaas-common';

/**
 * A link to a database's catalog page, named by its tenant and name as the
 * DBaaS entity provider names its entity (serviceEntityName), so that it works
 * for a database the catalog has not read yet: its page fills in once it has.
 */
export const DatabaseLink = (props: { tenant: string; name: string }) => {
  const entityLink = useEntityRefLink();
  return (
    <Link
      to={entityLink({
        kind: 'resource',
        ...serviceEntityName(props.tenant, props.name),
      })}
    >
      {props.name}
    </Link>
  );
};
