import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles((theme: Theme) => ({
  bar: { height: 8, borderRadius: 4 },
  nearLimit: { backgroundColor: theme.palette.warning.main },
  atLimit: { backgroundColor: theme.palette.error.main },
}));

/** From 90 % a tenant should know a new database may not fit. */
const NEAR_LIMIT = 0.9;

/** An amount of a quota as the bars and forms show it: `10,240`, `8.5`. */
export const formatAmount = (amount: number) =>
  amount.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * One resource of a tenant's quota: what its databases use of the limit, as a
 * bar and as figures. Assistive technology reads the figures, not a percentage.
 */
export const QuotaBar = (props: {
  /** Names the bar for assistive technology, e.g. "Storage used by Payments". */
  label: string;
  used: number;
  limit: number;
  /** After the figures, e.g. "GiB"; none for counts. */
  unit?: string;
}) => {
  const { label, used, limit, unit } = props;
  const classes = useStyles();
  const share = limit > 0 ? used / limit : Number(used > 0);
  const suffix = unit ? ` ${unit}` : '';
  const over = used > limit;
  let barColor: string | undefined;
  if (share >= 1) barColor = classes.atLimit;
  else if (share >= NEAR_LIMIT) barColor = classes.nearLimit;

  return (
    <Box minWidth={110}>
      <Typography variant="body2" color={over ? 'error' : 'textPrimary'}>
        {formatAmount(used)} / {formatAmount(limit)}
        {suffix}
        {over && ' (over the limit)'}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, share * 100)}
        classes={{ root: classes.bar, bar: barColor }}
        aria-label={label}
        // The figures rather than MUI's percentage; clamped, as ARIA wants
        // the value within its range, the text says when it is over.
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={`${formatAmount(used)} of ${formatAmount(
          limit,
        )}${suffix}${over ? ', over the limit' : ''}`}
      />
    </Box>
  );
};
