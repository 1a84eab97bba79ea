import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';

/**
 * A tenant's name in a table of the organization's tenants, with the button
 * that edits `what` of it (its quota, its budget) beside the name for those
 * who may, rather than in a column of its own: the other columns need the room.
 */
export const TenantName = (props: {
  title: string;
  /** What the button edits, e.g. `quota`: its label is "Edit quota of {title}". */
  what: string;
  /** Absent for those who may not edit it: no button is offered. */
  onEdit?: () => void;
}) => {
  const { title, what, onEdit } = props;
  const label = `Edit ${what} of ${title}`;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 4 }}>
      <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
        {title}
      </Typography>
      {onEdit && (
        <Tooltip title={label}>
          <IconButton size="small" aria-label={label} onClick={onEdit}>
            <EditIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
    </Box>
  );
};
