import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/** A secondary line under a table cell's value. */
export const Caption = (props: { children: ReactNode }) => (
  <Typography variant="caption" color="textSecondary" display="block">
    {props.children}
  </Typography>
);
