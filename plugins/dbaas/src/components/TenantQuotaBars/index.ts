export { TenantQuotaBars } from './TenantQuotaBars';
export {
  QUOTA_LIMITS,
  quotaBarColumns,
  type QuotaRow,
} from './quotaBarColumns';
export { formatAmount } from './QuotaBar';
