import {
  claimChange,
  type PriceList,
  type ServiceChangePreview,
} from '@internal/backstage-plugin-dbaas-common';
import { priced } from '../cost/priced';
import type { ServiceRecord } from '../database/ServiceStore';

/**
 * A dry run's answer: the claim as it is committed now and as the change
 * would commit it (null: removed), rendered as the commit renders it. The
 * dry runs of `PUT /services/{id}`, `scale`, `DELETE` and a new CDC pipeline
 * answer it.
 */
export const changePreview = (
  record: ServiceRecord,
  next: ServiceRecord | null,
  message: string,
  prices: PriceList | undefined,
): ServiceChangePreview => ({
  dryRun: true,
  id: record.id,
  message,
  claim: claimChange(record, next),
  // The monthly price now and after the change (none once deleted).
  ...(prices
    ? {
        monthlyPrice: {
          before: priced(prices, record.spec).monthlyPrice,
          after: next ? priced(prices, next.spec).monthlyPrice : undefined,
        },
      }
    : {}),
});
