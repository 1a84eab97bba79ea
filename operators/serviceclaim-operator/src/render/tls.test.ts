import {
  serviceClaimSpecSchema,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from './__testUtils__/skuClaims';
import { renderClaim } from './renderClaim';
import { TlsUnavailableError } from './tls';

function claimOn(sku: string, tls: { enabled: boolean; certificate?: string }) {
  const spec = specFromSku(skuCatalog, sku, 'frankfurt');
  spec.networking = { tls, allowedCIDRs: [] };
  return claimFrom(sku, spec);
}

const kinds = (sku: string, tls: { enabled: boolean; certificate?: string }) =>
  renderClaim(claimOn(sku, tls), contextFor('frankfurt')).map(r => r.kind);

describe('TLS on the engines that serve a Secret', () => {
  it.each(['vt-dedicated', 'dfly-mem-16g'])(
    '%s: a cert-manager Certificate from the PoP issuer, the claim Secret, or nothing',
    sku => {
      expect(kinds(sku, { enabled: true })).toContain('Certificate');
      expect(kinds(sku, { enabled: true, certificate: 'own' })).not.toContain(
        'Certificate',
      );
      expect(kinds(sku, { enabled: false })).not.toContain('Certificate');
    },
  );

  // The Percona operator asks cert-manager itself, for every name of the
  // cluster, when told the issuer (pkg/psmdb/tls/certmanager.go issuerName).
  it('mongo-flex-rs: the PoP issuer handed to the Percona operator, the claim Secret, or TLS off', () => {
    const tlsOf = (tls: { enabled: boolean; certificate?: string }) => {
      const rendered = renderClaim(
        claimOn('mongo-flex-rs', tls),
        contextFor('frankfurt'),
      );
      expect(rendered.map(r => r.kind)).not.toContain('Certificate');
      const spec = rendered[0].spec as any;
      return { tls: spec.tls, ssl: spec.secrets.ssl, unsafe: spec.unsafeFlags };
    };
    expect(tlsOf({ enabled: true })).toEqual({
      tls: {
        mode: 'requireTLS',
        issuerConf: {
          group: 'cert-manager.io',
          kind: 'ClusterIssuer',
          name: contextFor('frankfurt').tlsIssuer,
        },
      },
      ssl: undefined,
      unsafe: {},
    });
    expect(tlsOf({ enabled: true, certificate: 'own' })).toEqual({
      tls: { mode: 'requireTLS' },
      ssl: 'own',
      unsafe: {},
    });
    expect(tlsOf({ enabled: false })).toEqual({
      tls: { mode: 'disabled' },
      ssl: undefined,
      unsafe: { tls: true },
    });
  });

  it('refuses TLS in a PoP that issues no certificates rather than serve plaintext', () => {
    const claim = claimOn('mongo-flex-rs', { enabled: true });
    const ctx = { ...contextFor('frankfurt'), tlsIssuer: undefined };
    expect(() => renderClaim(claim, ctx)).toThrow(TlsUnavailableError);
    expect(() => renderClaim(claim, ctx)).toThrow(
      'TLS is on but PoP frankfurt issues no certificates',
    );
    // A Secret of the claim's own still serves.
    const own = claimOn('mongo-flex-rs', { enabled: true, certificate: 'own' });
    expect(renderClaim(own, ctx).map(r => r.kind)).toContain(
      'PerconaServerMongoDB',
    );
  });

  it('lets no Aerospike claim ask for TLS: its operator needs what the platform does not issue', () => {
    const spec = specFromSku(skuCatalog, 'aero-strong-3', 'frankfurt');
    expect(spec.networking?.tls.enabled).toBe(false);
    spec.networking = { tls: { enabled: true }, allowedCIDRs: [] };
    expect(serviceClaimSpecSchema.safeParse(spec).success).toBe(false);
    // One committed before the rule runs without TLS, and says so.
    const [cluster] = renderClaim(
      claimFrom('aero-strong-3', spec),
      contextFor('frankfurt'),
    );
    expect(cluster.metadata.annotations?.['dbaas.io/render-notes']).toMatch(
      /^TLS is not served: Aerospike is offered without TLS/,
    );
  });
});
