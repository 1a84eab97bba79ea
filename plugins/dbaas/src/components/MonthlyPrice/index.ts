export { MonthlyPrice, priceBreakdown } from './MonthlyPrice';
export { TenantCostText } from './TenantCostText';
