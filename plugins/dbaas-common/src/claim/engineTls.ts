import type { EngineId } from '../catalog/schema';

/**
 * Who makes an engine's server certificate when a claim asks for TLS:
 * - `engine`: the engine operator issues its own (CloudNativePG, YugabyteDB
 *   Anywhere, the Scylla operator); a claim may name its own Secret instead where
 *   the operator takes one;
 * - `certificate`: the engine serves the certificate of a Secret, either the one
 *   the claim names or one cert-manager issues for the claim in its PoP (the
 *   ServiceClaim operator renders the `Certificate`);
 * - `unavailable`: the claim cannot ask for TLS, for the reason given.
 * @public
 */
export type EngineTls =
  | { kind: 'engine' }
  | { kind: 'certificate' }
  | { kind: 'unavailable'; reason: string };

/**
 * Every engine's TLS: the one table the claim rules, the SKU defaults and the
 * operator's renderers read.
 * @public
 */
export const engineTls: Record<EngineId, EngineTls> = {
  yugabyte: { kind: 'engine' },
  vitess: { kind: 'certificate' },
  scylla: { kind: 'engine' },
  dragonfly: { kind: 'certificate' },
  // AKO 4.5 serves TLS only with a tls-name per node in aerospikeConfig, the
  // CA and the operator's own client certificate (operatorClientCert), and its
  // webhook refuses a cluster whose TLS names do not match its certificates.
  aerospike: {
    kind: 'unavailable',
    reason:
      'Aerospike is offered without TLS: its operator needs per-node TLS names and a client certificate of its own, which the platform does not issue yet',
  },
  mongodb: { kind: 'certificate' },
  postgresql: { kind: 'engine' },
};
