import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  TenantCost,
} from '@internal/backstage-plugin-dbaas-common';
import { formatMoney } from '@internal/backstage-plugin-dbaas-common';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ActionDialog } from '../ActionDialog';
import { useErrorTextClass } from '../../utils/useErrorTextClass';

/** Why a budget as typed cannot be set, as the API would say; none when it can. */
export function budgetProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return 'Must be above 0';
  return undefined;
}

/**
 * Sets or removes one tenant's monthly budget. The tenant's team is told when
 * its cost reaches 80% and 100% of it; orders are not refused.
 */
export const BudgetDialog = (props: {
  organization: Organization;
  cost: TenantCost;
  currency: string;
  tenantTitle: string;
  onClose: () => void;
  onSaved: (cost: TenantCost) => void;
}) => {
  const { organization, cost, currency } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [text, setText] = useState(
    cost.monthlyBudget === undefined ? '' : String(cost.monthlyBudget),
  );
  const errorText = useErrorTextClass();
  const problem = budgetProblem(text);

  const save = async () => {
    props.onSaved(
      await dbaasApi.setBudget(organization.id, {
        tenant: cost.tenant,
        monthlyBudget: text.trim() === '' ? null : Number(text),
      }),
    );
  };

  return (
    <ActionDialog
      titleId="budget-dialog-title"
      title={`Monthly budget of ${props.tenantTitle}`}
      actionLabel="Save budget"
      actionDisabled={!!problem}
      onAction={save}
      onClose={props.onClose}
    >
      <Typography variant="body2" paragraph>
        The tenant's team is notified when its databases as ordered cost 80% and
        100% of the budget. Orders above it are not refused. Leave it empty for
        no budget.
      </Typography>
      <TextField
        id="budget-dialog-amount"
        label={`Budget (${currency} a month)`}
        type="number"
        value={text}
        onChange={e => setText(e.target.value)}
        inputProps={{ min: 0, step: 'any' }}
        error={!!problem}
        InputLabelProps={{ classes: { error: errorText } }}
        FormHelperTextProps={{ classes: { error: errorText } }}
        helperText={
          problem ??
          `Its databases cost ${formatMoney(
            cost.monthlyCost ?? 0,
            currency,
          )} a month now`
        }
        fullWidth
      />
    </ActionDialog>
  );
};
