import {
  claimPhaseOf,
  type ServiceStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import DeleteOutline from '@material-ui/icons/DeleteOutline';
import ErrorOutline from '@material-ui/icons/ErrorOutline';
import Schedule from '@material-ui/icons/Schedule';
import Sync from '@material-ui/icons/Sync';
import type { ComponentType } from 'react';

const useStyles = makeStyles((theme: Theme) => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  icon: { fontSize: '1.1em' },
  active: { color: theme.palette.success.main },
  provisioning: { color: theme.palette.info.main },
  pending: { color: theme.palette.text.secondary },
  failed: { color: theme.palette.error.main },
  deleting: { color: theme.palette.warning.main },
}));

const icons: Record<ServiceStatus, ComponentType<{ className?: string }>> = {
  active: CheckCircleOutline,
  provisioning: Sync,
  pending: Schedule,
  failed: ErrorOutline,
  deleting: DeleteOutline,
};

/**
 * A database's phase as an icon and its name, spelled as the operator spells
 * it (`Active`). Not core-components' `StatusOK` and kin: those hide their
 * text from assistive technology, and the phase is the point. The icon only
 * adds colour (MUI hides it from screen readers).
 */
export const PhaseStatus = (props: { status: ServiceStatus }) => {
  const classes = useStyles();
  const Icon = icons[props.status] ?? Schedule;
  return (
    <Typography variant="body2" component="span" className={classes.root}>
      <Icon className={`${classes.icon} ${classes[props.status] ?? ''}`} />
      {claimPhaseOf(props.status) ?? props.status}
    </Typography>
  );
};
