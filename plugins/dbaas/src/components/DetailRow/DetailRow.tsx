import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import type { ReactNode } from 'react';

/**
 * A row of a details table: the label heads the row, the value follows. The
 * label cell's role is set by hand: MUI gives a cell with a `component` the
 * role `cell`, which would hide from assistive technology that the label
 * heads its row.
 */
export const DetailRow = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" role="rowheader">
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);
