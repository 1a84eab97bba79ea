import type { CreateServiceRequest } from '../api/serviceRequests';
import { skuCatalog } from '../catalog/skuCatalog';
import { claimSpecForRequest } from './claimSpecForRequest';

const request: CreateServiceRequest = {
  name: 'orders',
  tenant: 'group:default/payments',
  engine: 'yugabyte',
  plan: 'dedicated',
  region: 'lagos',
};

describe('claimSpecForRequest', () => {
  it('starts from the first SKU of the engine and plan stocked in the region', () => {
    const result = claimSpecForRequest(skuCatalog, {
      ...request,
      config: { storageSize: '500Gi' },
    });

    expect(result).toMatchObject({
      ok: true,
      spec: {
        sku: 'yb-dedicated',
        region: 'lagos',
        storage: { size: '500Gi' },
      },
    });
  });

  it('names the request field of each refusal', () => {
    expect(
      claimSpecForRequest(skuCatalog, { ...request, sku: 'yb-huge' }),
    ).toEqual({
      ok: false,
      subject: 'database request',
      issues: [{ path: ['sku'], message: 'There is no SKU "yb-huge"' }],
    });
    expect(
      claimSpecForRequest(skuCatalog, {
        ...request,
        engine: 'aerospike',
      }),
    ).toEqual({
      ok: false,
      subject: 'database request',
      issues: [
        {
          path: ['region'],
          message: 'No dedicated aerospike SKU is offered in lagos',
        },
      ],
    });
    expect(
      claimSpecForRequest(skuCatalog, {
        ...request,
        engine: 'postgresql',
        sku: 'yb-dedicated',
      }),
    ).toEqual({
      ok: false,
      subject: 'database request',
      issues: [
        {
          path: ['sku'],
          message:
            'yb-dedicated is a dedicated yugabyte SKU, not dedicated postgresql',
        },
      ],
    });
  });

  it('reports a rule the merged spec breaks against the config field that set it', () => {
    const result = claimSpecForRequest(skuCatalog, {
      ...request,
      config: { storageSize: '20Gi' },
    });

    expect(result).toEqual({
      ok: false,
      subject: 'database config',
      issues: [
        {
          path: ['config', 'storageSize'],
          message: 'Must be between 100Gi and 10Ti',
        },
      ],
    });
  });
});
