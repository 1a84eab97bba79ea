#!/usr/bin/env bash
# Plays the engine operators on the local PoP clusters (the `pops` service), so that a
# database ordered in the portal of scripts/start-with-services.sh goes from Provisioning
# to Active: no engine operator can run here (no container runtime), so a stand-in sets
# the engine resources' status the way each engine operator reports it. No database runs.
#
#   scripts/play-engine-operators.sh [--phase healthy|provisioning|failed]
#
# Runs until Ctrl-C; uses the stack of $DBAAS_SERVICES_STATE like services.sh does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
ensure_toolchain
cd "$repo_root"

eval "$("$here/services.sh" env pops)"
[ -n "${DBAAS_POPS:-}" ] || { log "the pops service is not running: scripts/start-with-services.sh starts it"; exit 1; }
kubeconfigs=()
for pop in ${DBAAS_POPS//,/ }; do
  var="DBAAS_POP_$(printf '%s' "$pop" | tr '[:lower:]' '[:upper:]')_KUBECONFIG"
  kubeconfigs+=("${!var}")
done
exec yarn workspace @internal/test-services engines:play "$@" "${kubeconfigs[@]}"
