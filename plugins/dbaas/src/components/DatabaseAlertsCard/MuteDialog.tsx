import { useApi } from '@backstage/frontend-plugin-api';
import type { AlertMute } from '@internal/backstage-plugin-dbaas-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ActionDialog } from '../ActionDialog';

/** The mute lengths offered, in minutes; the API takes up to a week. */
const DURATIONS = [
  { minutes: 60, label: '1 hour' },
  { minutes: 240, label: '4 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 10080, label: '1 week' },
];

/**
 * Mutes a database's alerts for a while, with a reason the audit log keeps:
 * its alerts are still recorded and shown, but nobody is notified of them.
 */
export const MuteDialog = (props: {
  serviceId: string;
  databaseName: string;
  onClose: () => void;
  onMuted: (mute: AlertMute) => void;
}) => {
  const dbaasApi = useApi(dbaasApiRef);
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');

  const mute = async () => {
    props.onMuted(
      await dbaasApi.muteAlerts(props.serviceId, { minutes, reason }),
    );
  };

  return (
    <ActionDialog
      titleId="mute-alerts-title"
      title={`Mute the alerts of ${props.databaseName}`}
      actionLabel="Mute"
      actionDisabled={reason.trim() === ''}
      onAction={mute}
      onClose={props.onClose}
    >
      <Typography variant="body2" paragraph>
        Nobody on the team is notified of its alerts until the mute ends. They
        are still recorded and shown here.
      </Typography>
      <TextField
        id="mute-alerts-duration"
        select
        label="For"
        value={minutes}
        onChange={e => setMinutes(Number(e.target.value))}
        fullWidth
        margin="normal"
      >
        {DURATIONS.map(d => (
          <MenuItem key={d.minutes} value={d.minutes}>
            {d.label}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="mute-alerts-reason"
        label="Reason"
        helperText="Kept in the audit log, and shown while the mute lasts."
        value={reason}
        onChange={e => setReason(e.target.value)}
        inputProps={{ maxLength: 500 }}
        required
        fullWidth
        margin="normal"
      />
    </ActionDialog>
  );
};
