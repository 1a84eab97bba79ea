import { randomBytes } from 'node:crypto';
import type { ObjectApi } from '../controller/ObjectApi';
import { isConflict } from '../controller/apiErrors';
import { ownerReference, resourceLabels } from '../render/common';
import { credentialsSecret } from '../render/credentials';
import type { ClaimObject } from '../render/types';
import { FIELD_MANAGER } from './serverSideApply';

function generated(): string {
  // 32 characters of URL-safe base64: fine in every engine's password syntax.
  return randomBytes(24).toString('base64url');
}

/**
 * Creates the claim's credentials Secret with a generated password when it does
 * not exist yet. Create, never apply: a password is made once and then belongs
 * to the database; rewriting it would lock the application out.
 *
 * `created` remembers the claims (by uid) done in this process, so that steady
 * reconciles do not send a create the apiserver refuses each time.
 */
export async function ensureCredentials(
  objects: ObjectApi,
  claim: ClaimObject,
  created: Set<string>,
): Promise<void> {
  const secret = credentialsSecret(claim);
  if (!secret || created.has(claim.metadata.uid)) return;
  const password = generated();
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
  created.add(claim.metadata.uid);
}
