import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { renderClaim } from '../renderClaim';
import type { ClaimObject } from '../types';
import { MONGODB_POD_SERVICE_ACCOUNT, mongodb } from './mongodb';

// The rules below are those of MongoDB Controllers for Kubernetes 1.10.0
// (mongodb/mongodb-kubernetes 41e81d7ebccf), community operator, read in
// mongodb-community-operator/ there. The sharded SKU (mongo-flex-sharded) moves to
// the Percona operator in the backups issue; until then it renders a replica set
// too and is held to the same rules.

const mongoCases = claimCases().filter(c => c.engine === 'mongodb');

function replicaSetOf(claim: ClaimObject) {
  const resource = renderClaim(claim, contextFor(claim.spec.region)).find(
    r => r.kind === 'MongoDBCommunity',
  );
  if (!resource) throw new Error(`${claim.metadata.name}: no MongoDBCommunity`);
  return resource.spec as any;
}

// api/v1/mongodbcommunity_types.go ConvertAuthModeToAuthMechanism.
const AUTH_MECHANISMS: Record<string, string> = {
  SCRAM: 'SCRAM-SHA-256',
  'SCRAM-SHA-256': 'SCRAM-SHA-256',
  'SCRAM-SHA-1': 'SCRAM-SHA-1',
  X509: 'MONGODB-X509',
};

describe.each(mongoCases.map(c => [c.id, c] as const))(
  'MongoDBCommunity of %s',
  (_id, c) => {
    const claim = claimFrom(c.id, c.spec);
    const spec = replicaSetOf(claim);

    // controllers/validation/validation.go validateAuthModeSpec: known modes,
    // none twice, and the agent's mode among them (the only one when one).
    it('names known authentication modes once each (validation.go validateAuthModeSpec)', () => {
      const modes: string[] = spec.security.authentication.modes;
      const mechanisms = modes.map(m => AUTH_MECHANISMS[m]);
      expect(mechanisms.every(Boolean)).toBe(true);
      expect(new Set(mechanisms).size).toBe(modes.length);
      const agentMode = spec.security.authentication.agentMode;
      expect(modes.length === 1 || agentMode !== undefined).toBe(true);
      expect(agentMode === undefined || modes.includes(agentMode)).toBe(true);
    });

    // validation.go validateUsers: a SCRAM user needs its password Secret's name
    // and key and a SCRAM credentials Secret name, and no two users may share
    // that Secret or their connection string Secret.
    it('gives every SCRAM user what the operator requires (validation.go validateUsers)', () => {
      for (const user of spec.users) {
        expect(user.db).not.toBe('$external');
        expect(user.passwordSecretRef?.name).toBeTruthy();
        expect(user.passwordSecretRef?.key).toBeTruthy();
        expect(user.scramCredentialsSecretName).toBeTruthy();
      }
      const scram = spec.users.map((u: any) => u.scramCredentialsSecretName);
      expect(new Set(scram).size).toBe(scram.length);
    });

    // validation.go validateArbiterSpec and validateStatefulSet.
    it('leaves members to spec.members (validation.go validateArbiterSpec, validateStatefulSet)', () => {
      expect(spec.arbiters ?? 0).toBeLessThan(spec.members);
      expect(spec.statefulSet?.spec?.replicas ?? spec.members).toBe(
        spec.members,
      );
    });

    // controllers/construct/mongodbstatefulset.go: pods run as
    // mongodb-kubernetes-appdb; the override merges by name
    // (pkg/util/merge/merge_podtemplate_spec.go), so a different name here
    // would need its own ServiceAccount and Role.
    it('runs its pods as the ServiceAccount the platform provides (mongodbstatefulset.go)', () => {
      expect(spec.statefulSet.spec.template.spec.serviceAccountName).toBe(
        MONGODB_POD_SERVICE_ACCOUNT,
      );
      expect(MONGODB_POD_SERVICE_ACCOUNT).toBe('mongodb-kubernetes-appdb');
    });

    // mongodbstatefulset.go: the container is `mongod` and the single data
    // volume claim `data-volume` (api/v1 DataVolumeName); overrides merge by
    // these names, other names would add a container or a second volume.
    it('sizes the containers and volume the operator makes, by their names (mongodbstatefulset.go)', () => {
      const template = spec.statefulSet.spec.template.spec;
      expect(template.containers.map((x: any) => x.name)).toEqual(['mongod']);
      expect(
        spec.statefulSet.spec.volumeClaimTemplates.map(
          (v: any) => v.metadata.name,
        ),
      ).toEqual(['data-volume']);
    });

    // api/v1/mongodbcommunity_types.go ServiceName: `<name>-svc` unless
    // statefulSet.spec.serviceName says otherwise; the pods carry `app: <service>`.
    it('selects the pods by the label the operator gives them (mongodbcommunity_types.go ServiceName)', () => {
      expect(spec.statefulSet.spec.serviceName).toBeUndefined();
      expect(mongodb.podSelector(claim)).toEqual({
        app: `${claim.metadata.name}-svc`,
      });
    });
  },
);
