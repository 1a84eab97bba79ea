import {
  formatMoney,
  type TenantCost,
} from '@internal/backstage-plugin-dbaas-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles(theme => ({
  near: { color: theme.palette.warning.dark },
  over: { color: theme.palette.error.main },
}));

/**
 * A tenant's committed monthly cost, and its budget when it has one: red
 * once the cost reached the budget, amber from 80%.
 */
export const TenantCostText = (props: {
  cost: TenantCost;
  currency: string;
}) => {
  const { cost, currency } = props;
  const classes = useStyles();
  if (cost.monthlyCost === undefined) return null;
  const money = (amount: number) => formatMoney(amount, currency);
  const budget = cost.monthlyBudget;
  const share = budget ? cost.monthlyCost / budget : 0;
  let className: string | undefined;
  if (budget !== undefined && share >= 1) className = classes.over;
  else if (budget !== undefined && share >= 0.8) className = classes.near;
  return (
    <Typography variant="body2" component="span" className={className}>
      {money(cost.monthlyCost)}
      {budget === undefined
        ? ' a month'
        : ` of ${money(budget)} a month (${Math.round(share * 100)}%)`}
    </Typography>
  );
};
