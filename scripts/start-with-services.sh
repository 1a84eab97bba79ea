#!/usr/bin/env bash
# Starts the portal in production-like mode against the local service stack:
# PostgreSQL instead of SQLite, Keycloak sign-in instead of guest, the local
# kube-apiserver in the Kubernetes plugin, and Prometheus scraping the backend's
# metrics. The services keep running afterwards; `scripts/services.sh stop` ends them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
ensure_toolchain
ensure_debian_packages git
ensure_dependencies
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

log "Sign in with Keycloak as ada, kwame or lena, password: $DBAAS_KEYCLOAK_USER_PASSWORD"
log "Prometheus: $DBAAS_PROMETHEUS_URL  Keycloak admin: $DBAAS_KEYCLOAK_URL"
exec yarn start \
  --config "$repo_root/app-config.yaml" \
  --config "$repo_root/app-config.production.yaml" \
  --config "$repo_root/app-config.services.yaml"
