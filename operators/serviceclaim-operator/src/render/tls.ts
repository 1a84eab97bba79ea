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
  const tls = claim.spec.networking?.tls;
  if (engineTls[claim.spec.engine].kind !== 'certificate') {
    throw new Error(
      `${claim.spec.engine} does not serve a Secret's certificate`,
    );
  }
  if (!tls?.enabled) return { resources: [] };
  if (tls.certificate) return { secretName: tls.certificate, resources: [] };
  if (!ctx.tlsIssuer) {
    throw new TlsUnavailableError(
      `TLS is on but PoP ${ctx.pop} issues no certificates (the operator's tlsIssuer is unset): name a Secret in networking.tls.certificate, or turn TLS off`,
    );
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
        issuerRef: {
          group: 'cert-manager.io',
          kind: 'ClusterIssuer',
          name: ctx.tlsIssuer,
        },
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
