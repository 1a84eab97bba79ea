import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useId, type ReactNode } from 'react';

/**
 * A button of an entity tab's actions (Backups, CDC): disabled, with the
 * reason beneath (and read with the button), where the engine cannot do what
 * it offers.
 */
export const ActionButton = (props: {
  children: ReactNode;
  onClick: () => void;
  /** Why it cannot be done (engineBackups, engineCdc); the button is disabled. */
  unavailable?: string;
  /** Words before the reason, e.g. `Cannot be drilled: `. */
  reasonPrefix?: string;
  /** Disabled while its request runs. */
  busy?: boolean;
}) => {
  const id = useId();
  return (
    <>
      <Button
        variant="contained"
        color="primary"
        onClick={props.onClick}
        disabled={props.unavailable !== undefined || props.busy}
        aria-describedby={props.unavailable ? `${id}-unavailable` : undefined}
      >
        {props.children}
      </Button>
      {props.unavailable && (
        <Typography
          id={`${id}-unavailable`}
          variant="caption"
          color="textSecondary"
          display="block"
        >
          {props.reasonPrefix}
          {props.unavailable}
        </Typography>
      )}
    </>
  );
};
