import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { SignalApi } from '@backstage/plugin-signals-react';
import {
  DBAAS_ANNOTATIONS,
  DBAAS_SIGNAL_CHANNEL,
  engineBackups,
  type ServiceChangedEvent,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { examplePops } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { act } from '@testing-library/react';
import type { ReactElement } from 'react';
import { dbaasApiRef, type DbaasApi } from '../../../api/DbaasApi';

export const SERVICE_ID = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';

/** The Resource the catalog module makes for `orders` of the checkout tenant. */
export function databaseEntity(
  overrides: {
    annotations?: Record<string, string>;
    relations?: Entity['relations'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'checkout.orders',
      namespace: 'default',
      title: 'orders',
      annotations: overrides.annotations ?? {
        [DBAAS_ANNOTATIONS.serviceId]: SERVICE_ID,
        [DBAAS_ANNOTATIONS.engine]: 'postgresql',
      },
    },
    spec: { type: 'database', owner: 'group:default/checkout' },
    relations: overrides.relations ?? [],
  };
}

/** An active clustered PostgreSQL database in Frankfurt, replicated to Lagos. */
export function serviceDetails(
  overrides: Partial<ServiceDetails> = {},
): ServiceDetails {
  return {
    id: SERVICE_ID,
    name: 'orders',
    tenant: 'group:default/checkout',
    organization: 'group:default/acme',
    engine: 'postgresql',
    plan: 'clustered',
    region: 'frankfurt',
    status: 'active',
    createdAt: '2025-05-01T10:00:00.000Z',
    updatedAt: '2025-05-01T10:06:00.000Z',
    generation: 2,
    observedGeneration: 2,
    createdBy: 'user:default/guest',
    config: {
      engine: 'postgresql',
      version: '17',
      plan: 'clustered',
      region: 'frankfurt',
      storage: { size: '500Gi' },
      replication: { factor: 3, regions: ['frankfurt', 'lagos'] },
      resources: { postgres: { replicas: 3, cpu: '2', memory: '8Gi' } },
      backup: { enabled: true, schedule: '0 2 * * *', retention: '14d' },
      highAvailability: { multiAZ: true },
    },
    connection: {
      host: 'orders.tenant-checkout.svc.frankfurt.dbaas.example',
      port: 5432,
      database: 'orders',
      username: 'orders_app',
      passwordSecretRef: { name: 'orders-app-credentials', key: 'password' },
    },
    endpoints: [
      {
        name: 'primary',
        url: 'postgresql://orders-rw.frankfurt.dbaas.example:5432',
      },
    ],
    conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterHealthy' }],
    gitops: {
      path: 'tenants/checkout/orders.yaml',
      commitSha: '3f9a2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c',
      commitUrl: 'https://git.example/gitops/commit/3f9a2b1c4d5e',
    },
    timeline: [
      {
        step: 'committed',
        generation: 1,
        at: '2025-05-01T10:00:00.000Z',
        detail: '3f9a2b1',
      },
      {
        step: 'synced',
        generation: 1,
        at: '2025-05-01T10:01:00.000Z',
        cluster: 'frankfurt',
      },
      {
        step: 'provisioning',
        generation: 1,
        at: '2025-05-01T10:01:05.000Z',
        cluster: 'frankfurt',
      },
      {
        step: 'active',
        generation: 1,
        at: '2025-05-01T10:06:00.000Z',
        cluster: 'frankfurt',
      },
    ],
    backups: engineBackups[overrides.engine ?? 'postgresql'],
    ...overrides,
  };
}

/** A ResponseError as DbaasClient throws it, carrying the API's error body. */
export async function apiError(
  status: number,
  code: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', code, message },
        request: { method: 'GET', url: '/api/dbaas/v1/services' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** A SignalApi whose messages the test sends. */
export function signalBus() {
  const listeners = new Set<(message: any) => void>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const listener = onMessage as (message: any) => void;
      if (channel === DBAAS_SIGNAL_CHANNEL) listeners.add(listener);
      return { unsubscribe: () => listeners.delete(listener) };
    },
  };
  // Async act: the reloads the message starts settle inside it.
  const announce = (event: ServiceChangedEvent) =>
    act(async () => listeners.forEach(listener => listener(event)));
  return { api, announce };
}

/**
 * Renders a part of the database's entity page with the given API fakes, and
 * the example PoPs as the regions unless they say otherwise.
 */
export function renderDatabasePage(
  element: ReactElement,
  options: {
    api: Partial<DbaasApi>;
    entity?: Entity;
    apis?: readonly any[];
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={
        [
          [
            dbaasApiRef,
            { listRegions: async () => examplePops, ...options.api },
          ],
          ...(options.apis ?? []),
        ] as any
      }
    >
      <EntityProvider entity={options.entity ?? databaseEntity()}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
