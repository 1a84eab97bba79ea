import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  TenantQuota,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ActionDialog } from '../ActionDialog';
import { useErrorTextClass } from '../../utils/useErrorTextClass';
import { apiFieldErrors } from '../../utils/apiFieldErrors';
import { formatAmount, QUOTA_LIMITS } from '../TenantQuotaBars';

/** Limits that count things, not amounts: whole numbers only. */
const COUNTS: (keyof TenantQuota)[] = ['instances', 'backups', 'cdcPipelines'];

/** Why a limit as typed cannot be set, as the API would say; none when it can. */
export function limitProblem(
  key: keyof TenantQuota,
  text: string,
  ceiling: number | undefined,
): string | undefined {
  if (text.trim() === '') return 'Give a limit';
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) return 'Must be 0 or more';
  if (COUNTS.includes(key) && !Number.isInteger(value)) {
    return 'Must be a whole number';
  }
  if (ceiling !== undefined && value > ceiling) {
    return `Must be at most ${formatAmount(ceiling)}, the platform's ceiling`;
  }
  return undefined;
}

/**
 * Sets one tenant's limits. Each field says what the tenant uses now and the
 * platform's ceiling, and refuses a limit above it before it is sent; what the
 * API still refuses shows beside its field.
 */
export const QuotaDialog = (props: {
  organization: Organization;
  usage: TenantQuotaUsage;
  tenantTitle: string;
  ceiling: Partial<TenantQuota>;
  onClose: () => void;
  onSaved: (usage: TenantQuotaUsage) => void;
}) => {
  const { organization, usage, ceiling } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [values, setValues] = useState<Record<keyof TenantQuota, string>>(
    () =>
      Object.fromEntries(
        QUOTA_LIMITS.map(({ key }) => [key, String(usage.quota[key])]),
      ) as Record<keyof TenantQuota, string>,
  );
  const [serverProblems, setServerProblems] = useState<Record<string, string>>(
    {},
  );
  const errorText = useErrorTextClass();

  const problems = Object.fromEntries(
    QUOTA_LIMITS.map(({ key }) => [
      key,
      limitProblem(key, values[key], ceiling[key]) ??
        serverProblems[`quota.${key}`],
    ]),
  ) as Record<keyof TenantQuota, string | undefined>;
  const invalid = Object.values(problems).some(Boolean);

  const save = async () => {
    setServerProblems({});
    try {
      props.onSaved(
        await dbaasApi.setQuota(organization.id, {
          tenant: usage.tenant,
          quota: Object.fromEntries(
            QUOTA_LIMITS.map(({ key }) => [key, Number(values[key])]),
          ) as TenantQuota,
        }),
      );
    } catch (e) {
      // Shown beside their fields; the dialog shows the whole message.
      setServerProblems(apiFieldErrors(e as Error));
      throw e;
    }
  };

  return (
    <ActionDialog
      titleId="quota-dialog-title"
      title={`Quota of ${props.tenantTitle}`}
      actionLabel="Save quota"
      actionDisabled={invalid}
      onAction={save}
      onClose={props.onClose}
      maxWidth="md"
    >
      <Typography variant="body2" paragraph>
        What the tenant's live databases may use together. A limit below what
        they use now stops new orders and growth, and changes no running
        database.
      </Typography>
      <Grid container spacing={2}>
        {QUOTA_LIMITS.map(({ key, title, unit }) => {
          const limit = ceiling[key];
          const hint = `Uses ${formatAmount(usage.usage[key])}${
            limit !== undefined
              ? `; at most ${formatAmount(limit)} (platform ceiling)`
              : ''
          }`;
          return (
            <Grid item xs={12} sm={6} key={key}>
              <TextField
                id={`quota-dialog-${key}`}
                label={unit ? `${title} (${unit})` : title}
                type="number"
                value={values[key]}
                onChange={e => {
                  const text = e.target.value;
                  setValues(current => ({ ...current, [key]: text }));
                  // What the API said of the old value no longer holds.
                  setServerProblems(
                    ({ [`quota.${key}`]: _said, ...rest }) => rest,
                  );
                }}
                inputProps={{
                  min: 0,
                  step: COUNTS.includes(key) ? 1 : 'any',
                  ...(limit !== undefined ? { max: limit } : {}),
                }}
                error={!!problems[key]}
                InputLabelProps={{ classes: { error: errorText } }}
                FormHelperTextProps={{ classes: { error: errorText } }}
                helperText={problems[key] ?? hint}
                required
                fullWidth
              />
            </Grid>
          );
        })}
      </Grid>
    </ActionDialog>
  );
};
