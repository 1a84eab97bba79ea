import type { ServiceStatus } from '@internal/backstage-plugin-dbaas-common';
import { makeStyles } from '@material-ui/core/styles';
import ActiveIcon from '@material-ui/icons/CheckCircle';
import DeletingIcon from '@material-ui/icons/DeleteSweep';
import FailedIcon from '@material-ui/icons/Error';
import PendingIcon from '@material-ui/icons/HourglassEmpty';
import ProvisioningIcon from '@material-ui/icons/Autorenew';

const useStyles = makeStyles(theme => ({
  root: { display: 'inline-flex', alignItems: 'center', gap: theme.spacing(1) },
  active: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  provisioning: { color: theme.palette.info.main },
  pending: { color: theme.palette.text.secondary },
  deleting: { color: theme.palette.warning.main },
}));

const icons = {
  active: ActiveIcon,
  failed: FailedIcon,
  provisioning: ProvisioningIcon,
  pending: PendingIcon,
  deleting: DeletingIcon,
};

/**
 * A database's phase as the operator spells it (`Active`), with an icon that
 * only adds colour: the word carries the meaning for screen readers.
 */
export const PhaseLabel = (props: { status: ServiceStatus }) => {
  const classes = useStyles();
  const Icon = icons[props.status];
  return (
    <span className={classes.root}>
      <Icon
        className={classes[props.status]}
        fontSize="small"
        aria-hidden="true"
      />
      {props.status.charAt(0).toUpperCase() + props.status.slice(1)}
    </span>
  );
};
