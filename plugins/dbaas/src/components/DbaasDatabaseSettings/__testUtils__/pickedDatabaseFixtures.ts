import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ResponseError } from '@backstage/errors';
import {
  DBAAS_ANNOTATIONS,
  specFromSku,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import type { DbaasApi } from '../../../api/DbaasApi';

// The database a day-2 template's picker picks in the fields' tests: orders
// of payments, and a catalog that also holds an entity of another tenant's
// database.

export const pgSku = exampleSkuCatalog.skus.find(
  s => s.engine === 'postgresql',
)!;
export const ORDERS_ID = '6f1b9a0c-3c1e-4a57-8f43-5b1f2e0d9a01';
export const orders = {
  id: ORDERS_ID,
  name: 'orders',
  tenant: 'group:default/payments',
  engine: 'postgresql',
  plan: pgSku.plan,
  region: pgSku.regions[0],
  status: 'active',
  config: {
    ...specFromSku(exampleSkuCatalog, pgSku.id, pgSku.regions[0]),
    version: '16',
    storage: { size: '500Gi' },
    backup: { enabled: true, schedule: '0 2 * * *', retention: '14d' },
  },
} as unknown as ServiceDetails;

/** The catalog with the entity of orders, and of a database of another tenant. */
export const catalog = () =>
  catalogApiMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'payments.orders',
          annotations: { [DBAAS_ANNOTATIONS.serviceId]: ORDERS_ID },
        },
        spec: { type: 'database', owner: 'group:default/payments' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'ledger.books',
          annotations: { [DBAAS_ANNOTATIONS.serviceId]: 'not-yours' },
        },
        spec: { type: 'database', owner: 'group:default/ledger' },
      },
    ],
  });

async function notFound(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', code: 'NOT_FOUND', message },
        request: { method: 'GET', url: '/api/dbaas/v1' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** The API as it answers the user: their team's database only. */
export const dbaasApi: Pick<DbaasApi, 'getService'> = {
  getService: async id => {
    if (id === ORDERS_ID) return orders;
    throw await notFound(`No database ${id}`);
  },
};
