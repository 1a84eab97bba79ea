import { LinkButton } from '@backstage/core-components';
import AddIcon from '@material-ui/icons/Add';

/**
 * Where the scaffolder serves `template:default/new-database`. A plain path
 * rather than an external route ref: the portal always mounts the scaffolder
 * at `/create`, and a path needs no route binding in the app to keep working.
 */
const NEW_DATABASE_TEMPLATE_PATH = '/create/templates/default/new-database';

/** Opens the scaffolder's form for a new database. */
export const NewDatabaseButton = () => (
  <LinkButton
    to={NEW_DATABASE_TEMPLATE_PATH}
    color="primary"
    variant="contained"
    startIcon={<AddIcon />}
  >
    New database
  </LinkButton>
);
