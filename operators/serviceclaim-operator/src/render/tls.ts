import { engineTls } from '@internal/backstage-plugin-dbaas-common';
import { resource, resourceLabels } from './common';
import type { ClaimObject, RenderContext, RenderedResource } from './types';

const CERTIFICATE_API = 'cert-manager.io/v1';

/** The Secret cert-manager keeps a claim's server certificate in. */
export function issuedSecretName(claim: ClaimObject): string {
  return `${claim.metadata.name}-tls`;
}

/** Thrown where a claim asks for TLS its PoP cannot give; the claim reads Failed. */
export class TlsUnavailableError extends Error {}

/**
 * Where a claim's server certificate comes from: nowhere (TLS off), the
 * Secret the claim names, or the PoP's ClusterIssuer. A claim asking for TLS
 * where neither is given is refused with the reason. For engine operators
 * that ask cert-manager themselves (the Percona operator's tls.issuerConf),
 * the issuer is all they need; the others get serverCertificate below.
 */
export function certificateSource(
  claim: ClaimObject,
  ctx: RenderContext,
):
  | { kind: 'off' }
  | { kind: 'secret'; secretName: string }
  | {
      kind: 'issuer';
      issuerRef: { group: string; kind: string; name: string };
    } {
  const tls = claim.spec.networking?.tls;
  if (engineTls[claim.spec.engine].kind !== 'certificate') {
    throw new Error(
      `${claim.spec.engine} does not serve a Secret's certificate`,
    );
  }
  if (!tls?.enabled) return { kind: 'off' };
  if (tls.certificate) return { kind: 'secret', secretName: tls.certificate };
  if (!ctx.tlsIssuer) {
    throw new TlsUnavailableError(
      `TLS is on but PoP ${ctx.pop} issues no certificates (the operator's tlsIssuer is unset): name a Secret in networking.tls.certificate, or turn TLS off`,
    );
  }
  return {
    kind: 'issuer',
    issuerRef: {
      group: 'cert-manager.io',
      kind: 'ClusterIssuer',
      name: ctx.tlsIssuer,
    },
  };
}

/**
 * The server certificate of a claim on an engine that serves a Secret's
 * certificate (engineTls `certificate`: Vitess' vtgate, MongoDB, Dragonfly):
 *
 * - TLS off: none;
 * - the claim names a Secret (`networking.tls.certificate`): that one;
 * - otherwise a cert-manager `Certificate <claim>-tls` from the PoP's
 *   ClusterIssuer (`tlsIssuer`, chart value of the same name), for `dnsNames`.
 *   Its Secret (`kubernetes.io/tls`, with `ca.crt` from a CA issuer) is what
 *   the engine reads; cert-manager renews it. The Secret goes with the
 *   Certificate only where cert-manager runs with
 *   --enable-certificate-owner-ref (a platform prerequisite).
 *
 * A claim that asks for TLS in a PoP with no issuer, and names no Secret, is
 * refused (the claim reads Failed with the reason) rather than served in
 * plaintext.
 */
export function serverCertificate(
  claim: ClaimObject,
  ctx: RenderContext,
  dnsNames: string[],
): { secretName?: string; resources: RenderedResource[] } {
  const source = certificateSource(claim, ctx);
  if (source.kind === 'off') return { resources: [] };
  if (source.kind === 'secret') {
    return { secretName: source.secretName, resources: [] };
  }
  const secretName = issuedSecretName(claim);
  const certificate = resource(
    claim,
    {
      apiVersion: CERTIFICATE_API,
      kind: 'Certificate',
      name: secretName,
      component: 'tls',
    },
    {
      spec: {
        secretName,
        // The Secret carries the claim's labels, so it is found as the
        // claim's, and goes when the claim goes.
        secretTemplate: { labels: resourceLabels(claim, 'tls') },
        issuerRef: source.issuerRef,
        dnsNames,
        // cert-manager's defaults, said: 90 days, renewed a third before.
        duration: '2160h',
        renewBefore: '720h',
        privateKey: {
          algorithm: 'ECDSA',
          size: 256,
          rotationPolicy: 'Always',
        },
        usages: ['server auth', 'digital signature', 'key encipherment'],
      },
    },
  );
  return { secretName, resources: [certificate] };
}
