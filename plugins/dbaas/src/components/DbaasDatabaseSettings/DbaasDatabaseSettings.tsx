import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { DatabaseSettingsTable } from './DatabaseSettingsTable';
import type { DbaasDatabaseSettingsFieldSchema } from './schema';
import { pickedEntityRef, usePickedDatabase } from './usePickedDatabase';

/**
 * Scaffolder field of the day-2 templates: the current engine, version,
 * plan, size, storage and backup schedule of the database picked in the
 * form's entity picker, read from the DBaaS API as the user. It holds no
 * value; the change is asked for in the fields after it.
 */
export const DbaasDatabaseSettings = (
  props: typeof DbaasDatabaseSettingsFieldSchema.TProps,
) => {
  const { uiSchema, formContext, schema } = props;
  const entityRef = pickedEntityRef(
    formContext,
    uiSchema['ui:options']?.databaseField,
  );
  const { value: service, loading, error } = usePickedDatabase(entityRef);

  let body;
  if (!entityRef) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Pick a database to see its current settings.
      </Typography>
    );
  } else if (loading) {
    body = <Progress />;
  } else if (error || !service) {
    body = (
      <Typography color="error">
        Could not load {entityRef}:{' '}
        {error ? apiErrorMessage(error) : 'no answer'}
      </Typography>
    );
  } else {
    body = <DatabaseSettingsTable service={service} />;
  }
  return (
    <Box mt={1} mb={2}>
      <Typography variant="subtitle1" component="h3">
        {schema.title ?? 'Current settings'}
      </Typography>
      {body}
    </Box>
  );
};
