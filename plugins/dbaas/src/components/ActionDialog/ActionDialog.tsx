import Button from '@material-ui/core/Button';
import Dialog, { type DialogProps } from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useState, type ReactNode } from 'react';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { useErrorTextClass } from '../../utils/useErrorTextClass';

/**
 * A dialog whose form ends in Cancel and one action. The action's button is
 * disabled while it runs; when it fails, what the API said shows as an alert
 * beneath the form and the dialog stays open to try again.
 */
export const ActionDialog = (props: {
  /** The id of the title, which labels the dialog. */
  titleId: string;
  title: ReactNode;
  actionLabel: ReactNode;
  actionColor?: 'primary' | 'secondary';
  /** Disabled for a reason of the form, such as a field in error. */
  actionDisabled?: boolean;
  /** Does the action; the caller closes the dialog when it succeeds. */
  onAction: () => Promise<void>;
  onClose: () => void;
  maxWidth?: DialogProps['maxWidth'];
  fullWidth?: boolean;
  children: ReactNode;
}) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const errorText = useErrorTextClass();

  const act = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onAction();
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby={props.titleId}
      maxWidth={props.maxWidth}
      fullWidth={props.fullWidth}
    >
      <DialogTitle id={props.titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
        {error && (
          <Typography role="alert" className={errorText} variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color={props.actionColor ?? 'primary'}
          variant="contained"
          onClick={act}
          disabled={busy || props.actionDisabled}
        >
          {props.actionLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
