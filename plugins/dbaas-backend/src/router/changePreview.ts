import {
  claimFileChange,
  type ClaimManifestInput,
  type PriceList,
  type ServiceChangePreview,
} from '@internal/backstage-plugin-dbaas-common';
import { priced } from '../cost/priced';

/**
 * A dry run's answer about the database `id`: the claim as it is committed
 * now (null: a new database's, a restore's) and as the change would commit
 * it (null: removed), rendered as the commit renders it, and the monthly
 * price on each side. The dry runs of `PUT /services/{id}`, `scale`,
 * `DELETE`, a new CDC pipeline and a restore answer it.
 */
export const changePreview = (
  id: string,
  current: ClaimManifestInput | null,
  next: ClaimManifestInput | null,
  message: string,
  prices: PriceList | undefined,
): ServiceChangePreview => ({
  dryRun: true,
  id,
  message,
  claim: claimFileChange(current, next),
  ...(prices
    ? {
        monthlyPrice: {
          before: current
            ? priced(prices, current.spec).monthlyPrice
            : undefined,
          after: next ? priced(prices, next.spec).monthlyPrice : undefined,
        },
      }
    : {}),
});
