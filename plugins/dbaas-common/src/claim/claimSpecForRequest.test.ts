import type { CreateServiceRequest } from '../api/serviceRequests';
import { exampleSkuCatalog as skuCatalog } from '../testUtils';
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

  it('refuses a region the SKU is not offered in, naming those it is', () => {
    // Large nodes are stocked in the bigger PoPs only: not in Lagos.
    expect(
      claimSpecForRequest(skuCatalog, {
        ...request,
        engine: 'dragonfly',
        plan: 'dedicated',
        sku: 'dfly-mem-64g',
        config: { regions: ['frankfurt', 'lagos'] },
        region: 'frankfurt',
      }),
    ).toEqual({
      ok: false,
      subject: 'database config',
      issues: [
        {
          path: ['config', 'regions', '1'],
          message:
            'lagos is not a region this database can run in (johannesburg, frankfurt, ashburn, singapore)',
        },
      ],
    });
  });

  it('refuses a region that is no PoP at all', () => {
    expect(
      claimSpecForRequest(skuCatalog, { ...request, region: 'atlantis' }),
    ).toEqual({
      ok: false,
      subject: 'database request',
      issues: [
        {
          path: ['region'],
          message: 'No dedicated yugabyte SKU is offered in atlantis',
        },
      ],
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
