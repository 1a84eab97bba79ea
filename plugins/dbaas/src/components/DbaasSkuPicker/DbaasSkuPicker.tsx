import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useRegions } from '../../hooks/useRegions';
import { MonthlyPrice } from '../MonthlyPrice';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { offeringChoices, withChoice } from './offeringChoices';
import type { DbaasOffering, DbaasSkuPickerFieldSchema } from './schema';
import { TenantQuotaLeft } from './TenantQuotaLeft';

const LABELS = {
  engine: 'Engine',
  plan: 'Plan',
  region: 'Region',
  sku: 'SKU',
} as const;

/**
 * Scaffolder field choosing what to order: engine, then plan, region and SKU,
 * from the SKUs the DBaaS API offers. Shows the chosen SKU's SLA and default
 * size, and the remaining quota of the tenant chosen elsewhere in the form.
 */
export const DbaasSkuPicker = (
  props: typeof DbaasSkuPickerFieldSchema.TProps,
) => {
  const { formData, onChange, uiSchema, formContext, rawErrors, required } =
    props;
  const value: DbaasOffering = formData ?? {};
  const tenantField = uiSchema['ui:options']?.tenantField ?? 'tenant';
  const tenant = formContext?.formData?.[tenantField];
  const dbaasApi = useApi(dbaasApiRef);
  const {
    value: skus,
    loading,
    error,
  } = useAsync(() => dbaasApi.listSkus(), [dbaasApi]);
  const { regionName } = useRegions();

  if (loading) return <Progress />;
  if (error || !skus) {
    return (
      <Typography color="error">
        Could not load the SKUs on offer:{' '}
        {error ? apiErrorMessage(error) : 'no answer'}
      </Typography>
    );
  }

  const choices = offeringChoices(skus, value, regionName);
  const chosen = skus.find(s => s.id === value.sku);
  const select = (field: keyof typeof LABELS, options: typeof choices.skus) => (
    <Grid item xs={12} sm={6} md={3}>
      <TextField
        select
        fullWidth
        id={`${props.idSchema?.$id ?? 'dbaas-sku-picker'}-${field}`}
        label={LABELS[field]}
        value={value[field] ?? ''}
        required={required}
        disabled={props.disabled || options.length === 0}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        onChange={event =>
          // Partial until all four are chosen; the field's validation says so.
          onChange(
            withChoice(
              skus,
              value,
              field,
              event.target.value,
            ) as Required<DbaasOffering>,
          )
        }
      >
        <option value="" />
        {options.map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </TextField>
    </Grid>
  );

  return (
    <FormControl fullWidth error={!!rawErrors?.length}>
      <Typography variant="subtitle1">
        {props.schema.title ?? 'Database offering'}
      </Typography>
      <Grid container spacing={2}>
        {select('engine', choices.engines)}
        {select('plan', choices.plans)}
        {select('region', choices.regions)}
        {select('sku', choices.skus)}
      </Grid>
      <Box mt={1}>
        {chosen && (
          <Typography variant="body2">
            SLA {chosen.slaPercent}% ({chosen.planName}). {chosen.description}.
            Starts at {chosen.defaults.nodes} × {chosen.defaults.vcpuPerNode}{' '}
            vCPU, {chosen.defaults.memoryGiPerNode} GiB memory,{' '}
            {chosen.defaults.storageGiPerNode} GiB storage.
            {chosen.monthlyPrice && (
              <>
                {' '}
                Costs <MonthlyPrice price={chosen.monthlyPrice} /> at this size.
              </>
            )}
          </Typography>
        )}
        <TenantQuotaLeft
          tenant={typeof tenant === 'string' ? tenant : undefined}
        />
      </Box>
      {rawErrors?.map(message => (
        <FormHelperText key={message}>{message}</FormHelperText>
      ))}
    </FormControl>
  );
};
