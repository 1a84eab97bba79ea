import { WarningPanel } from '@backstage/core-components';
import { apiErrorMessage } from '../../utils/apiErrorMessage';

/**
 * A failed request with what the API said, open from the start: the panel
 * folds its message away by default, and the message is the useful part.
 */
export const ApiErrorPanel = (props: { title: string; error: Error }) => (
  <WarningPanel
    severity="error"
    title={props.title}
    message={apiErrorMessage(props.error)}
    defaultExpanded
  />
);
