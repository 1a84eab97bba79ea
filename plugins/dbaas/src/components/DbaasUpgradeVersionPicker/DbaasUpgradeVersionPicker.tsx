import { Progress } from '@backstage/core-components';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  allowedUpgrades,
  engineName,
} from '@internal/backstage-plugin-dbaas-common';
import { useEffect } from 'react';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import {
  pickedEntityRef,
  usePickedDatabase,
} from '../DbaasDatabaseSettings/usePickedDatabase';
import type { DbaasUpgradeVersionPickerFieldSchema } from './schema';

/**
 * Scaffolder field of the upgrade template: the versions the picked
 * database's engine allows it to upgrade to from its current version
 * (allowedUpgrades, the rule the API applies), and nothing else.
 */
export const DbaasUpgradeVersionPicker = (
  props: typeof DbaasUpgradeVersionPickerFieldSchema.TProps,
) => {
  const { formData, onChange, uiSchema, formContext, rawErrors, required } =
    props;
  const entityRef = pickedEntityRef(
    formContext,
    uiSchema['ui:options']?.databaseField,
  );
  const { value: service, loading, error } = usePickedDatabase(entityRef);
  const choices = service
    ? allowedUpgrades(service.engine, service.config.version)
    : [];
  // A version chosen for another database is no choice for this one.
  const stale = !!formData && !!service && !choices.includes(formData);
  useEffect(() => {
    if (stale) onChange(undefined as unknown as string);
  }, [stale, onChange]);

  const title = props.schema.title ?? 'Upgrade to';
  let helper: string | undefined;
  if (!entityRef) helper = 'Pick a database first.';
  else if (error) {
    helper = `Could not load ${entityRef}: ${apiErrorMessage(error)}`;
  } else if (service && choices.length === 0) {
    helper = `${service.name} runs ${engineName(service.engine)} ${
      service.config.version
    }; its engine offers no upgrade from it now.`;
  } else if (service) {
    helper = `${service.name} runs ${engineName(service.engine)} ${
      service.config.version
    }.`;
  }

  if (entityRef && loading) return <Progress />;
  return (
    <FormControl fullWidth error={!!rawErrors?.length || !!error}>
      <TextField
        select
        fullWidth
        id={props.idSchema?.$id ?? 'dbaas-upgrade-version'}
        label={title}
        value={stale ? '' : formData ?? ''}
        required={required}
        disabled={props.disabled || choices.length === 0}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        onChange={event => onChange(event.target.value)}
      >
        <option value="" />
        {choices.map(version => (
          <option key={version} value={version}>
            {version}
          </option>
        ))}
      </TextField>
      {helper && (
        <Typography variant="body2" color={error ? 'error' : 'textSecondary'}>
          {helper}
        </Typography>
      )}
      {rawErrors?.map(message => (
        <FormHelperText key={message}>{message}</FormHelperText>
      ))}
    </FormControl>
  );
};
