#!/usr/bin/env bash
# Starts the portal in production-like mode against the local service stack:
# PostgreSQL instead of SQLite, Keycloak sign-in instead of guest, Prometheus scraping
# the backend's metrics, and the whole provisioning loop: the portal commits claims to
# a GitOps repository served by the git server, Argo CD syncs them to the two PoP
# clusters (lagos, frankfurt), each PoP's ServiceClaim operator renders them, and the
# Kubernetes tab shows the claim and the engine resources of both PoPs. A database
# ordered here reaches Provisioning by itself; scripts/play-engine-operators.sh plays
# the engine operators (none can run here) and makes it Active.
#
# The services keep running afterwards (`scripts/services.sh stop` ends them); the PoPs'
# operators are processes of this command and stop with it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/services-common.sh"
source "$here/lib/helm.sh"
ensure_toolchain
ensure_debian_packages git
ensure_dependencies
# The PoPs' operators are installed from their chart, which helm renders.
ensure_helm
cd "$repo_root"

"$here/services.sh" start
eval "$("$here/services.sh" env)"

# app-config.production.yaml reads these.
export POSTGRES_HOST=$DBAAS_POSTGRES_HOST POSTGRES_PORT=$DBAAS_POSTGRES_PORT
export POSTGRES_USER=$DBAAS_POSTGRES_USER POSTGRES_PASSWORD=local-trust-auth
export APP_BASE_URL=http://localhost:3000
AUTH_SESSION_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export AUTH_SESSION_SECRET

# The backend serves its metrics on :9464 (packages/backend/src/instrumentation.js).
printf '[{"targets":["127.0.0.1:9464"],"labels":{"instance":"backend"}}]\n' \
  > "$DBAAS_PROMETHEUS_TARGETS_DIR/backend/portal.json"

# The PoPs' operators, the portal's Argo CD access and its config layer (with tokens:
# never committed), and Argo CD's bootstrap once the portal has written the layout:
# packages/test-services/src/loop/startLoop.ts, as the whole-loop test sets them up.
loop_dir="$DBAAS_SERVICES_STATE/loop"
loop_config="$DBAAS_SERVICES_STATE/portal-loop.yaml"
mkdir -p "$loop_dir"
rm -f "$loop_config"
(cd packages/test-services &&
  exec node --require @backstage/cli/config/nodeTransform.cjs src/loop/startLoop.ts \
    --dir "$loop_dir" --config "$loop_config") > "$loop_dir/loop.log" 2>&1 &
loop_pid=$!
# SIGTERM: the loop drains and stops each operator before it exits. The config layer
# holds tokens: it goes first, before a slow drain can be cut short by a SIGKILL.
trap 'rm -f "$loop_config"; kill -TERM "$loop_pid" 2>/dev/null && wait "$loop_pid" 2>/dev/null' EXIT
log "starting the PoPs' ServiceClaim operators (log: $loop_dir/loop.log)"
for ((i = 0; i < 180; i++)); do
  [ -f "$loop_config" ] && break
  kill -0 "$loop_pid" 2>/dev/null || { log "the loop failed to start:"; tail -n 30 "$loop_dir/loop.log" >&2; exit 1; }
  sleep 1
done
[ -f "$loop_config" ] || { log "the loop was not ready within 180s; see $loop_dir/loop.log"; exit 1; }

log "Sign in with Keycloak as ada, kwame or lena, password: $DBAAS_KEYCLOAK_USER_PASSWORD"
log "Prometheus: $DBAAS_PROMETHEUS_URL  Keycloak admin: $DBAAS_KEYCLOAK_URL"
log "GitOps repository: $DBAAS_GIT_ROOT/gitops.git (Argo CD clones $DBAAS_GIT_URL/gitops.git)"
log "Databases stay Provisioning until the engine operators are played; in another terminal:"
log "  DBAAS_SERVICES_STATE=$DBAAS_SERVICES_STATE scripts/play-engine-operators.sh"
# Not exec: the EXIT trap stops the operators when the portal ends.
yarn start \
  --config "$repo_root/app-config.yaml" \
  --config "$repo_root/app-config.production.yaml" \
  --config "$repo_root/app-config.services.yaml" \
  --config "$loop_config"
