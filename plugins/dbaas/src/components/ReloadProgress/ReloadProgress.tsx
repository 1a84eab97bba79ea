import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';

/**
 * A thin bar above a table whose next rows are on their way; the rows shown
 * stay until they come. Not the `isLoading` of core-components' `Table`: that
 * swaps the rows for an unlabelled spinner and mounts them all afresh after.
 * The slot keeps its height, so the table does not jump when the bar shows.
 */
export const ReloadProgress = (props: { active: boolean; label: string }) => (
  <Box height={4}>
    {props.active && <LinearProgress aria-label={props.label} />}
  </Box>
);
