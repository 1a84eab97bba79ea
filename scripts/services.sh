#!/usr/bin/env bash
# The local service stack for integration tests and production-like development.
#
#   scripts/services.sh install [name...]   install into the cache (pinned versions)
#   scripts/services.sh start   [name...]   install if needed, start, wait until healthy
#   scripts/services.sh stop    [name...]   stop and remove runtime state
#   scripts/services.sh restart  name...    restart in place: same ports, same data
#   scripts/services.sh status  [name...]   running or not, with endpoints
#   scripts/services.sh env     [name...]   `export VAR=value` lines for started services
#
# Without names: every service. State lives in $DBAAS_SERVICES_STATE
# (default /tmp/dbaas-services); installs in $DBAAS_CACHE_DIR/services.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/services-common.sh"

all_services=(postgres alertmanager prometheus kube pops cnpg psmdb gitserver argocd kafka connect keycloak)

for file in "$here"/services/*.sh; do
  source "$file"
done

defined() { declare -F "$1_start" >/dev/null; }

starting=""
trap 'status=$?; if [ "$status" -ne 0 ] && [ -n "$starting" ]; then log "$starting failed to start; its logs are in $(service_dir "$starting")"; fi' EXIT

# Started: its state and endpoints are there (its processes may not be).
started() { [ -f "$(service_dir "$1")/env" ]; }

# Started, and every process it recorded still alive: after a reboot /tmp may keep
# a service's state while its processes are gone.
running() {
  local dir pidfile pid
  dir=$(service_dir "$1")
  [ -f "$dir/env" ] || return 1
  for pidfile in "$dir"/*.pid "$dir"/*/*.pid "$dir"/data/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -n 1 "$pidfile")
    kill -0 "$pid" 2>/dev/null || return 1
  done
}

with_deps() {
  local name dep
  for name in "$@"; do
    if declare -F "${name}_deps" >/dev/null; then
      for dep in $("${name}_deps"); do
        with_deps "$dep"
      done
    fi
    printf '%s\n' "$name"
  done
}

start_one() {
  local name=$1
  if running "$name"; then
    log "$name already running"
    # Its dependents read its endpoints from the environment.
    source "$(service_dir "$name")/env"
    return 0
  fi
  if started "$name"; then
    log "$name was started but its processes are gone; starting it afresh"
    "${name}_stop" >/dev/null 2>&1 || true
    rm -rf "$(service_dir "$name")"
  fi
  "${name}_install"
  mkdir -p "$(service_dir "$name")"
  local started
  started=$(date +%s)
  # Called plainly, not in an `if`, so that set -e stops the start at its first failure.
  starting=$name
  "${name}_start"
  starting=""
  log "$name ready in $(($(date +%s) - started))s"
  sed 's/^export /  /' "$(service_dir "$name")/env" >&2
}

main() {
  local command=${1:-}
  shift || true
  local names=("$@")
  [ ${#names[@]} -eq 0 ] && names=("${all_services[@]}")
  local name
  for name in "${names[@]}"; do
    defined "$name" || { log "unknown service: $name (known: ${all_services[*]})"; exit 2; }
  done
  ensure_toolchain
  case "$command" in
    install)
      for name in "${names[@]}"; do "${name}_install"; done
      ;;
    start)
      mapfile -t names < <(with_deps "${names[@]}" | awk '!seen[$0]++')
      for name in "${names[@]}"; do start_one "$name"; done
      ;;
    stop)
      # Dependents before what they depend on, whatever order the names came in.
      for ((i = ${#all_services[@]} - 1; i >= 0; i--)); do
        name=${all_services[$i]}
        [[ " ${names[*]} " == *" $name "* ]] || continue
        if running "$name" || [ -d "$(service_dir "$name")" ]; then
          "${name}_stop" || log "$name did not stop cleanly"
          rm -rf "$(service_dir "$name")"
          log "$name stopped"
        fi
      done
      ;;
    restart)
      # Tests restart a broker mid-run; endpoints and data must survive it.
      for name in "${names[@]}"; do
        declare -F "${name}_restart" >/dev/null || { log "$name cannot restart in place"; exit 2; }
        # Started is enough: a test may have stopped the process itself.
        started "$name" || { log "$name is not started"; exit 1; }
        "${name}_restart"
        log "$name restarted"
      done
      ;;
    status)
      for name in "${names[@]}"; do
        if running "$name"; then
          echo "$name: running"
          sed 's/^export /  /' "$(service_dir "$name")/env"
        else
          echo "$name: stopped"
        fi
      done
      ;;
    env)
      for name in "${names[@]}"; do
        running "$name" && cat "$(service_dir "$name")/env"
      done
      ;;
    *)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 2
      ;;
  esac
}

main "$@"
