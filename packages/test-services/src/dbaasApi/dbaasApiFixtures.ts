import {
  engineBackups,
  type ServiceDetails,
  type TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import type { StubAnswer, StubDbaasApi } from './StubDbaasApi';

/** An error answer in the API's `{ error: { code, message, details } }` shape. */
export function apiError(
  status: number,
  code: string,
  message: string,
  violations?: { field: string; constraint: string }[],
): StubAnswer {
  return {
    status,
    body: {
      error: {
        code,
        name: 'Error',
        message,
        ...(violations
          ? {
              details: {
                field: violations[0].field,
                constraint: violations[0].constraint,
                violations,
              },
            }
          : {}),
      },
      request: { method: 'X', url: '/' },
      response: { statusCode: status },
    },
  };
}

/** A database as `GET /v1/services/{id}` answers it. */
export function serviceDetails(
  overrides: Partial<ServiceDetails> = {},
): ServiceDetails {
  return {
    id: '6f1b9a0c-3c1e-4a57-8f43-5b1f2e0d9a01',
    name: 'orders',
    tenant: 'group:default/payments',
    organization: 'group:default/acme',
    engine: 'postgresql',
    plan: 'dedicated',
    region: 'lagos',
    status: 'pending',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    generation: 1,
    config: {} as ServiceDetails['config'],
    connection: null,
    endpoints: [],
    conditions: [],
    createdBy: 'user:default/mock',
    timeline: [],
    backups: engineBackups[overrides.engine ?? 'postgresql'],
    ...overrides,
  };
}

/** The organizations and quotas routes for one tenant with the given room. */
export function withQuota(
  api: StubDbaasApi,
  usage: Partial<TenantQuotaUsage['usage']> = {},
  quota: Partial<TenantQuotaUsage['quota']> = {},
) {
  api.on('GET', '/v1/organizations', {
    body: {
      data: [
        {
          id: 'group:default/acme',
          title: 'Acme',
          tenants: [{ id: 'group:default/payments', title: 'Payments' }],
        },
      ],
    },
  });
  api.on('GET', '/v1/organizations/group%3Adefault%2Facme/quotas', {
    body: {
      data: [
        {
          tenant: 'group:default/payments',
          quota: {
            instances: 10,
            storageGi: 10240,
            cpu: 64,
            memoryGi: 256,
            backups: 100,
            cdcPipelines: 20,
            ...quota,
          },
          usage: {
            instances: 2,
            storageGi: 500,
            cpu: 8,
            memoryGi: 32,
            backups: 4,
            cdcPipelines: 3,
            ...usage,
          },
        },
      ],
    },
  });
  return api;
}
