import { createHash } from 'node:crypto';
import { podLabels, resource } from '../common';
import {
  ADMIN_USER,
  PASSWORD_KEY,
  adminSecret,
  credentialsSecret,
  scyllaManagerSecret,
} from '../credentials';
import { engineRelease } from '../images';
import { containerResources } from '../sizes';
import type { ClaimObject, RenderedResource } from '../types';

/** ScyllaDB's default superuser, which PasswordAuthenticator creates on first start. */
export const SCYLLA_DEFAULT_SUPERUSER = 'cassandra';

/**
 * What the role Job runs, in the ScyllaDB image (it has cqlsh). ScyllaCluster
 * cannot declare roles, so this is how the claim's credentials come to work:
 *
 * 1. Wait for CQL on the claim's client Service (plain CQL, 9042).
 * 2. Log in as the platform's administrator (`dbaas_admin`, password of
 *    `<claim>-admin`). Only on the first run does that fail: then log in once
 *    with the default `cassandra`/`cassandra` and create the administrator as a
 *    superuser. Every later run (a new image, a re-applied Job) logs in as the
 *    administrator, so it succeeds after the default has been retired.
 * 3. As the administrator, retire `cassandra`: a random password nobody keeps,
 *    no superuser, no login. Altered rather than dropped: the row stays, so
 *    nothing (a restart, a node that has not seen the drop) can bring the
 *    default password back, and the statement is the same on every run.
 * 4. Create or update the role named in the credentials Secret (`username`)
 *    with its password, LOGIN, no superuser, and CREATE on all keyspaces: the
 *    tenant makes and owns its keyspaces (a creator gets every permission on
 *    what it creates) but cannot alter roles, so it cannot lock the platform's
 *    administrator out or bring `cassandra` back.
 * 5. Create or update Scylla Manager's role (`dbaas_manager`, password of
 *    `<claim>-manager`): LOGIN, no superuser, no grant. Scylla Manager needs
 *    CQL credentials to back up the schema (DESCRIBE SCHEMA WITH INTERNALS)
 *    and reads only the system keyspaces, which every role may read.
 * 6. Check the result: the app and Manager roles log in, `cassandra`/`cassandra`
 *    does not.
 *
 * Passwords come from the environment (the Secrets) and never appear in the
 * rendered Job; they are quoted as CQL string literals.
 */
export const SCYLLA_ROLES_SCRIPT = `set -eu
lit() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
cql() {
  user=$1 pass=$2
  shift 2
  cqlsh "$CQL_HOST" 9042 --connect-timeout=10 --request-timeout=30 \\
    -u "$user" -p "$pass" -e "$*"
}
probe='SELECT release_version FROM system.local'
refused() {
  case $1 in *'Bad credentials'* | *AuthenticationFailed*) return 0 ;; esac
  return 1
}
admin() { cql "$ADMIN_ROLE" "$ADMIN_PASSWORD" "$@"; }
ADMIN=$(lit "$ADMIN_ROLE") APP=$(lit "$APP_ROLE") MANAGER=$(lit "$MANAGER_ROLE")

tries=0
until out=$(admin "$probe" 2>&1); do
  refused "$out" && break
  tries=$((tries + 1))
  if [ "$tries" -ge 180 ]; then
    echo "CQL at $CQL_HOST:9042 does not answer: $out" >&2
    exit 1
  fi
  sleep 10
done

if ! admin "$probe" >/dev/null 2>&1; then
  echo "first run: creating $ADMIN_ROLE with the default superuser"
  # ScyllaDB creates the default superuser shortly after CQL answers.
  set_admin="SUPERUSER = true AND LOGIN = true"
  set_admin="$set_admin AND PASSWORD = $(lit "$ADMIN_PASSWORD")"
  tries=0
  until cql ${SCYLLA_DEFAULT_SUPERUSER} ${SCYLLA_DEFAULT_SUPERUSER} "
    CREATE ROLE IF NOT EXISTS $ADMIN WITH $set_admin;
    ALTER ROLE $ADMIN WITH $set_admin;"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "neither $ADMIN_ROLE (password of its Secret)" \\
        "nor the default superuser can log in" >&2
      exit 1
    fi
    sleep 10
  done
  tries=0
  until admin "$probe" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "$ADMIN_ROLE cannot log in after it was created" >&2
      exit 1
    fi
    sleep 2
  done
fi

retired=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')
app_password=$(lit "$APP_PASSWORD")
manager_password=$(lit "$MANAGER_PASSWORD")
admin "
  ALTER ROLE ${SCYLLA_DEFAULT_SUPERUSER} WITH PASSWORD = $(lit "$retired")
    AND SUPERUSER = false AND LOGIN = false;
  CREATE ROLE IF NOT EXISTS $APP WITH LOGIN = true AND PASSWORD = $app_password;
  ALTER ROLE $APP WITH PASSWORD = $app_password
    AND SUPERUSER = false AND LOGIN = true;
  GRANT CREATE ON ALL KEYSPACES TO $APP;
  CREATE ROLE IF NOT EXISTS $MANAGER WITH LOGIN = true
    AND PASSWORD = $manager_password;
  ALTER ROLE $MANAGER WITH PASSWORD = $manager_password
    AND SUPERUSER = false AND LOGIN = true;"

cql "$APP_ROLE" "$APP_PASSWORD" "$probe" >/dev/null
cql "$MANAGER_ROLE" "$MANAGER_PASSWORD" "$probe" >/dev/null
if cql ${SCYLLA_DEFAULT_SUPERUSER} ${SCYLLA_DEFAULT_SUPERUSER} "$probe" >/dev/null 2>&1; then
  echo "the default superuser still logs in" >&2
  exit 1
fi
echo "roles $APP_ROLE and $MANAGER_ROLE ready; ${SCYLLA_DEFAULT_SUPERUSER} retired"
`;

/**
 * The Job that makes a ScyllaDB claim's credentials work and retires the
 * default superuser (see SCYLLA_ROLES_SCRIPT). Roles are cluster-wide, so only
 * the primary PoP renders it. A Job's pod template cannot change once created:
 * the name carries a hash of the template, so a change (a new ScyllaDB image)
 * is a new Job, and the operator prunes the old one.
 */
export function scyllaRolesJob(claim: ClaimObject): RenderedResource {
  const { name, namespace } = claim.metadata;
  const credentials = credentialsSecret(claim)!.name;
  const admin = adminSecret(claim)!.name;
  const manager = scyllaManagerSecret(claim)!.name;
  const fromSecret = (secret: string, key: string) => ({
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const template = {
    // The claim's labels admit the pod to the database through the NetworkPolicy.
    metadata: { labels: podLabels(claim) },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'roles',
          image: `docker.io/scylladb/scylla:${engineRelease(
            'scylla',
            claim.spec.version,
          )}`,
          command: ['/bin/sh', '-c', SCYLLA_ROLES_SCRIPT],
          env: [
            { name: 'CQL_HOST', value: `${name}-client.${namespace}.svc` },
            { name: 'HOME', value: '/tmp' },
            { name: 'ADMIN_ROLE', value: ADMIN_USER.scylla },
            { name: 'ADMIN_PASSWORD', ...fromSecret(admin, PASSWORD_KEY) },
            { name: 'APP_ROLE', ...fromSecret(credentials, 'username') },
            { name: 'APP_PASSWORD', ...fromSecret(credentials, PASSWORD_KEY) },
            { name: 'MANAGER_ROLE', ...fromSecret(manager, 'username') },
            {
              name: 'MANAGER_PASSWORD',
              ...fromSecret(manager, PASSWORD_KEY),
            },
          ],
          resources: containerResources({ cpu: '100m', memory: '256Mi' }),
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
  const hash = createHash('sha256')
    .update(JSON.stringify(template))
    .digest('hex')
    .slice(0, 8);
  return resource(
    claim,
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      // Within the 63 characters of the job-name label the Job's pods get.
      name: `${name.slice(
        0,
        63 - '-roles-'.length - hash.length,
      )}-roles-${hash}`,
      component: 'credentials',
    },
    {
      spec: {
        // The cluster can take a while to come up: the script waits up to 30
        // minutes per attempt, and a failed attempt is retried.
        backoffLimit: 6,
        template,
      },
    },
  );
}
