import {
  isConflict,
  isNotFound,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';
import { resourceLabels } from '../render/common';
import { ysqlPasswordSecretName } from '../render/engines/yugabyte';
import type { ClaimObject } from '../render/types';
import { FIELD_MANAGER } from './serverSideApply';

/**
 * Where the YugabyteDB Anywhere operator reads a universe's YSQL password: in
 * the namespace it watches, or `default` when it watches all of them, which it
 * must to see tenants' YBUniverses (docs/engines.md, "YugabyteDB"). The chart
 * lets this operator read and delete Secrets there, and nowhere else.
 */
export const YSQL_PASSWORD_NAMESPACE = 'default';

/** The key the YBA operator reads the password under. */
const YSQL_PASSWORD_KEY = 'ysqlPassword';

type SecretObject = {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string };
  data?: Record<string, string>;
};

/** A claim's name and namespace: all that names its copy. */
type ClaimName = { metadata: { namespace: string; name: string } };

function copyOf(claim: ClaimName): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: ysqlPasswordSecretName(claim),
      namespace: YSQL_PASSWORD_NAMESPACE,
    },
  };
}

async function readPassword(
  objects: ObjectApi,
  claim: ClaimObject,
): Promise<string | undefined> {
  try {
    const secret = (await objects.read(copyOf(claim) as never)) as SecretObject;
    const value = secret.data?.[YSQL_PASSWORD_KEY];
    return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The YSQL password of a YugabyteDB claim: the one in its copy in
 * {@link YSQL_PASSWORD_NAMESPACE}, which is made first (with `generate()`)
 * when there is none, so that the tenant's credentials Secret, made after it,
 * always carries the same password, even when a restart comes between the two.
 * The copy has no owner reference (one across namespaces counts as absent and
 * the garbage collector would delete it): the claim's finalizer deletes it.
 */
export async function ensureYsqlPasswordCopy(
  objects: ObjectApi,
  claim: ClaimObject,
  generate: () => string,
): Promise<string> {
  const existing = await readPassword(objects, claim);
  if (existing) return existing;
  const password = generate();
  try {
    await objects.create(
      {
        ...copyOf(claim),
        metadata: {
          ...copyOf(claim).metadata,
          labels: resourceLabels(claim, 'credentials'),
        },
        type: 'Opaque',
        stringData: { [YSQL_PASSWORD_KEY]: password },
      } as never,
      undefined,
      undefined,
      FIELD_MANAGER,
    );
    return password;
  } catch (error) {
    if (!isConflict(error)) throw error;
    // Made by another worker in between: its password is the one.
    const made = await readPassword(objects, claim);
    if (!made) throw error;
    return made;
  }
}

/** Deletes a YugabyteDB claim's password copy; gone already is fine. */
export async function deleteYsqlPasswordCopy(
  objects: ObjectApi,
  claim: ClaimName,
): Promise<void> {
  try {
    await objects.delete(copyOf(claim) as never);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
