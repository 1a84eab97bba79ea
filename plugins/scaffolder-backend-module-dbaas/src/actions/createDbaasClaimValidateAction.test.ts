import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import yaml from 'js-yaml';
import { symlinkSync } from 'node:fs';
import { dbaasServiceCreatePermission } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { StubDbaasApi, withQuota } from '@internal/test-services';
import { parseClaimRequest } from '../claim/parseClaimRequest';
import { createDbaasClaimValidateAction } from './createDbaasClaimValidateAction';
import { examples } from './createDbaasClaimValidateAction.examples';

const request = {
  name: 'orders',
  tenant: 'group:default/Payments',
  engine: 'postgresql',
  plan: 'dedicated',
  region: 'lagos',
};

describe('dbaas:claim:validate', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
  });
  afterEach(() => api.close());

  /**
   * Runs the action as user:default/mock. The permission framework answers as
   * `mayCreateIn` says: by default, that the user may create anywhere.
   */
  function run(
    input: Record<string, unknown>,
    extra: object = {},
    mayCreateIn: (tenant: string) => boolean = () => true,
  ) {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        logger,
        user: { ref: 'user:default/mock' },
      }),
      ...extra,
    };
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map(r => ({
          result: mayCreateIn((r as { resourceRef: string }).resourceRef)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        })),
      ),
    });
    const action = createDbaasClaimValidateAction({
      client: api.client(),
      auth: mockServices.auth(),
      permissions,
    });
    return {
      ctx,
      logger,
      permissions,
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  it('outputs the checked request, the ServiceClaim and the quota left, ordering nothing', async () => {
    withQuota(api);
    const { done, outputs } = run({
      ...request,
      config: { storageSize: '500Gi', backup: { schedule: '0 2 * * *' } },
    });
    await done;

    const out = outputs();
    // Group references compare case-insensitively; the API gets them lower-cased.
    expect(out.request).toEqual({
      ...request,
      tenant: 'group:default/payments',
      config: { storageSize: '500Gi', backup: { schedule: '0 2 * * *' } },
    });
    expect(out.claimPath).toBe('tenants/payments/orders.yaml');
    const claim = yaml.load(out.manifest) as any;
    expect(claim).toMatchObject({
      apiVersion: 'dbaas.io/v1alpha1',
      kind: 'ServiceClaim',
      metadata: {
        name: 'orders',
        namespace: 'tenant-payments',
        labels: {
          'dbaas.io/service-name': 'orders',
          'dbaas.io/tenant': 'payments',
          'dbaas.io/engine': 'postgresql',
        },
      },
      spec: {
        engine: 'postgresql',
        sku: 'pg-ha',
        storage: { size: '500Gi' },
        backup: { schedule: '0 2 * * *' },
      },
    });
    expect(out.quotaLeft).toEqual({
      instances: 8,
      storageGi: 9740,
      cpu: 56,
      memoryGi: 224,
      backups: 96,
    });
    // pg-ha: three 4-CPU, 16 GiB instances, each with its own volume.
    expect(out.footprint).toEqual({
      instances: 1,
      storageGi: 1500,
      cpu: 12,
      memoryGi: 48,
    });
    expect(api.writes()).toEqual([]);
    expect(api.requests[0].authorization).toBe(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.user(),
        targetPluginId: 'dbaas',
      }),
    );
  });

  it('ignores the form fields left empty', async () => {
    withQuota(api);
    const { done, outputs } = run({
      ...request,
      sku: '',
      config: { storageSize: '', backup: { schedule: '' } },
    });
    await done;

    expect(outputs().request).toEqual({
      ...request,
      tenant: 'group:default/payments',
    });
  });

  it('refuses a bad name asking the API for nothing but its regions', async () => {
    const { done } = run({ ...request, name: 'Orders_DB' });

    await expect(done).rejects.toThrow(
      /Invalid database request: name: must be lower-case letters/,
    );
    // Only the regions, which the request is checked against.
    expect(api.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/catalog/regions',
    ]);
  });

  it('reports a broken rule against the config field that set it', async () => {
    const { done } = run({ ...request, config: { storageSize: '20Gi' } });

    await expect(done).rejects.toThrow(
      'Invalid database config: config.storageSize: Must be between 100Gi and 10Ti',
    );
  });

  it('refuses a SKU of another engine', async () => {
    const { done } = run({ ...request, sku: 'yb-dedicated' });

    await expect(done).rejects.toThrow(
      'sku: yb-dedicated is a dedicated yugabyte SKU, not dedicated postgresql',
    );
  });

  it('fails when the database does not fit the quota left', async () => {
    withQuota(api, { storageGi: 9500 });
    const { done } = run(request);

    await expect(done).rejects.toThrow(
      'group:default/payments has too little quota left for orders: storageGi (needs 750, 740 left)',
    );
  });

  it('shows what does not fit in a dry run instead of failing', async () => {
    withQuota(api, { storageGi: 9500 });
    const { done, outputs, logger } = run({ ...request, dryRun: true });
    await done;

    expect(outputs().quotaLeft.storageGi).toBe(740);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('storageGi (needs 750, 740 left)'),
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('kind: ServiceClaim'),
    );
  });

  it('treats the scaffolder\u2019s own dry run as a preview', async () => {
    withQuota(api, { instances: 10 });
    const { done, outputs } = run(request, { isDryRun: true });
    await done;

    expect(outputs().quotaLeft.instances).toBe(0);
    expect(api.writes()).toEqual([]);
  });

  it('refuses a tenant outside the user\u2019s organizations', async () => {
    withQuota(api);
    const { done } = run({ ...request, tenant: 'group:default/billing' });

    await expect(done).rejects.toThrow(
      'tenant: group:default/billing is not a team of any organization you belong to',
    );
  });

  it('asks, as the user, whether they may create databases in the tenant', async () => {
    withQuota(api);
    const { done, permissions } = run(request);
    await done;

    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: dbaasServiceCreatePermission,
          resourceRef: 'group:default/payments',
        },
      ],
      { credentials: mockCredentials.user() },
    );
  });

  it('refuses a user who may not create databases in the tenant, asking the API for nothing but its regions', async () => {
    withQuota(api);
    const { done } = run(request, {}, () => false);

    await expect(done).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'user:default/mock may not create databases in group:default/payments: that takes membership of its team or one of the roles org-owner, org-admin, service-admin there (dbaas.service.create)',
    });
    // Only the regions, which the request is checked against.
    expect(api.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/catalog/regions',
    ]);
  });

  it('tells a user who may not create databases in the tenant in a dry run, and still previews', async () => {
    withQuota(api);
    for (const extra of [{ isDryRun: true }, {}]) {
      const input =
        'isDryRun' in extra ? request : { ...request, dryRun: true };
      const { done, outputs, logger } = run(input, extra, () => false);
      await done;

      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'user:default/mock may not create databases in group:default/payments',
        ),
      );
      expect(outputs().claimPath).toBe('tenants/payments/orders.yaml');
    }
    expect(api.writes()).toEqual([]);
  });

  it('says what the API answered when it refuses', async () => {
    api.on('GET', '/v1/organizations', {
      status: 429,
      body: {
        error: {
          code: 'QUOTA_EXCEEDED',
          message: 'Too many requests for user:default/mock; retry in 30 s',
        },
      },
    });
    const { done } = run(request);

    await expect(done).rejects.toThrow(
      'The DBaaS API answered 429 QUOTA_EXCEEDED: Too many requests for user:default/mock; retry in 30 s',
    );
  });

  describe('targetPath', () => {
    it('writes the claim at its GitOps path under the target', async () => {
      withQuota(api);
      const dir = createMockDirectory();
      const { done } = run(
        { ...request, targetPath: 'gitops' },
        { workspacePath: dir.path },
      );
      await done;

      const written = dir.content({ path: 'gitops/tenants/payments' });
      expect(Object.keys(written ?? {})).toEqual(['orders.yaml']);
      expect(String(written!['orders.yaml'])).toContain('kind: ServiceClaim');
    });

    it.each([['../outside'], ['/tmp/elsewhere'], ['gitops/../../outside']])(
      'refuses %s, which leaves the workspace',
      async targetPath => {
        withQuota(api);
        const dir = createMockDirectory();
        dir.setContent({ workspace: {} });
        const { done } = run(
          { ...request, targetPath },
          { workspacePath: dir.resolve('workspace') },
        );

        await expect(done).rejects.toThrow(
          'Relative path is not allowed to refer to a directory outside its parent',
        );
        expect(dir.content()).toEqual({ workspace: {} });
      },
    );

    it('refuses a folder that is a symlink out of the workspace', async () => {
      withQuota(api);
      const dir = createMockDirectory();
      dir.setContent({ workspace: {}, outside: {} });
      symlinkSync(dir.resolve('outside'), dir.resolve('workspace/gitops'));
      const { done } = run(
        { ...request, targetPath: 'gitops' },
        { workspacePath: dir.resolve('workspace') },
      );

      await expect(done).rejects.toThrow(
        'Relative path is not allowed to refer to a directory outside its parent',
      );
      expect(dir.content({ path: 'outside' })).toEqual({});
    });
  });

  it('has examples whose literal requests are valid', () => {
    const literal = examples
      .map(e => (yaml.load(e.example) as any).steps[0].input)
      .filter(input => !String(input.name).includes('${{'));
    expect(literal).toHaveLength(2);
    for (const { dryRun: _d, targetPath: _t, ...input } of literal) {
      expect(() => parseClaimRequest(skuCatalog, input)).not.toThrow();
    }
  });
});
