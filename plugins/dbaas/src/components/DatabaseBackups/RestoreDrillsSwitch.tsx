import { useApi } from '@backstage/frontend-plugin-api';
import {
  restoreDrillsOn,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';

function describe(on: boolean, explicit: boolean, plan: string): string {
  if (explicit) {
    return on
      ? 'Scheduled drills are on for this database.'
      : 'Scheduled drills are off for this database.';
  }
  return on
    ? `Scheduled drills are on: databases of the ${plan} plan, like those of every plan but shared, are drilled unless their drills are turned off.`
    : `Scheduled drills are off: databases of the ${plan} plan are not drilled unless their drills are turned on.`;
}

/**
 * Whether the platform drills the database on its schedule (its spec's
 * `backup.drills`, else on for every plan but shared), with a switch that
 * changes the spec. A refusal (no permission, a database that cannot change
 * now) shows beneath in the API's own words.
 */
export const RestoreDrillsSwitch = (props: {
  service: ServiceDetails;
  /** The change was accepted: the details should be loaded again. */
  onChanged: () => void;
}) => {
  const { service } = props;
  const dbaasApi = useApi(dbaasApiRef);
  // What this page changed, until details of that generation or a later one
  // are loaded: the switch does not flip back in between.
  const [changed, setChanged] = useState<{
    drills: boolean;
    generation: number;
  }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();

  const pending =
    changed && service.generation < changed.generation ? changed : undefined;
  const on = pending ? pending.drills : restoreDrillsOn(service.config);
  const explicit =
    pending !== undefined || service.config.backup.drills !== undefined;

  const change = async (drills: boolean) => {
    setSaving(true);
    setError(undefined);
    try {
      const response = await dbaasApi.updateService(service.id, {
        config: { backup: { drills } },
      });
      setChanged({ drills, generation: response.generation });
      props.onChanged();
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <FormControlLabel
        control={
          <Switch
            checked={on}
            onChange={e => change(e.target.checked)}
            disabled={saving}
            color="primary"
            inputProps={{
              role: 'switch',
              'aria-describedby': `${id}-state`,
            }}
          />
        }
        label="Scheduled restore drills"
      />
      <Typography id={`${id}-state`} variant="body2">
        {describe(on, explicit, service.config.plan)}
      </Typography>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {error}
        </Typography>
      )}
    </>
  );
};
