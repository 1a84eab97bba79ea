import { randomBytes } from 'node:crypto';
import {
  isConflict,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';
import { ownerReference, resourceLabels } from '../render/common';
import {
  credentialsSecret,
  generatedSecrets,
  type CredentialsSecret,
} from '../render/credentials';
import type { ClaimObject } from '../render/types';
import { FIELD_MANAGER } from './serverSideApply';
import { ensureYsqlPasswordCopy } from './ysqlPasswordCopy';

function generated(): string {
  // 32 characters of URL-safe base64: fine in every engine's password syntax.
  return randomBytes(24).toString('base64url');
}

/**
 * Creates the claim's generated Secrets (`generatedSecrets`: the credentials
 * Secret, and the administrator's where the engine has one to replace) with
 * generated passwords when they do not exist yet. Create, never apply: a
 * password is made once and then belongs to the database; rewriting it would
 * lock the application (or the platform's administrator) out.
 *
 * `created` remembers the claims (by uid and Secrets) done in this process, so that steady
 * reconciles do not send a create the apiserver refuses each time.
 */
export async function ensureCredentials(
  objects: ObjectApi,
  claim: ClaimObject,
  created: Set<string>,
): Promise<void> {
  const secrets = generatedSecrets(claim);
  // A claim gains Secrets as it changes (CDC's with its first pipeline).
  const done = `${claim.metadata.uid}/${secrets.map(x => x.name).join(',')}`;
  if (created.has(done)) return;
  // YugabyteDB: the password YBA reads from its copy, made first.
  const ysql =
    claim.spec.engine === 'yugabyte'
      ? await ensureYsqlPasswordCopy(objects, claim, generated)
      : undefined;
  const credentials = credentialsSecret(claim)?.name;
  for (const secret of secrets) {
    await createOnce(
      objects,
      claim,
      secret,
      secret.name === credentials ? ysql : undefined,
    );
  }
  created.add(done);
}

async function createOnce(
  objects: ObjectApi,
  claim: ClaimObject,
  secret: CredentialsSecret,
  password: string = generated(),
): Promise<void> {
  const stringData = Object.fromEntries(
    Object.entries(secret.keys).map(([key, make]) => [
      key,
      make(password, generated()),
    ]),
  );
  try {
    await objects.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: secret.name,
          namespace: claim.metadata.namespace,
          labels: resourceLabels(claim, 'credentials'),
          ownerReferences: [ownerReference(claim)],
        },
        type: 'Opaque',
        stringData,
      } as never,
      undefined,
      undefined,
      FIELD_MANAGER,
    );
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}
