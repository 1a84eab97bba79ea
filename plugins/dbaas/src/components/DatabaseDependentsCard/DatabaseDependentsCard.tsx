import { InfoCard } from '@backstage/core-components';
import {
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityRefLink,
  getEntityRelations,
  useEntity,
} from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';

/**
 * The apps that use a database: the entities whose `spec.dependsOn` names it,
 * which the catalog turns into this entity's `dependencyOf` relations. The
 * catalog plugin's own dependency cards are for components only, so resources
 * need this one.
 */
export const DatabaseDependentsCard = () => {
  const { entity } = useEntity();
  const dependents = getEntityRelations(entity, RELATION_DEPENDENCY_OF);
  return (
    <InfoCard title="Used by">
      {dependents.length === 0 ? (
        <Typography variant="body2">
          No app says it depends on this database yet. An app declares it in its
          catalog-info.yaml under <code>spec.dependsOn</code> as{' '}
          <code>{stringifyEntityRef(entity)}</code>.
        </Typography>
      ) : (
        <List dense aria-label="Apps that depend on this database">
          {dependents.map(ref => (
            <ListItem key={stringifyEntityRef(ref)} disableGutters>
              <EntityRefLink entityRef={ref} />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};
