# Helpers for the service definitions in scripts/services/*.sh. Sourced after toolchain.sh.
#
# Each service NAME is a file scripts/services/NAME.sh defining:
#   NAME_install  idempotent; installs pinned versions under $DBAAS_CACHE_DIR/services/
#   NAME_start    starts on free loopback ports with its state in $(service_dir NAME),
#                 waits until healthy, then writes its endpoints with service_export
#   NAME_stop     stops it cleanly and removes its state
#   NAME_deps     (optional) prints the services it needs running first
# services.sh calls NAME_install before NAME_start, and status from the env file.

export DBAAS_SERVICES_STATE=${DBAAS_SERVICES_STATE:-${TMPDIR:-/tmp}/dbaas-services}
export DBAAS_SERVICES_CACHE="$DBAAS_CACHE_DIR/services"

# service_dir NAME: the runtime directory of a started service (data, logs, pid files).
service_dir() { printf '%s/%s' "$DBAAS_SERVICES_STATE" "$1"; }

# free_port: a TCP port on 127.0.0.1 nobody listens on right now, for a service to
# bind a moment later. Taken below the kernel's ephemeral range (32768 and up on
# Linux): a port the kernel hands out can be taken by any outgoing connection in
# between (CI lost an Argo CD start to that), and ports already handed out in this
# state directory are not handed out again.
free_port() {
  local handed="$DBAAS_SERVICES_STATE/.ports"
  mkdir -p "$DBAAS_SERVICES_STATE" && touch "$handed" || return 1
  node -e '
    const fs = require("fs");
    const net = require("net");
    const file = process.argv[1];
    const handed = new Set(fs.readFileSync(file, "utf8").split("\n").filter(Boolean));
    const attempt = tries => {
      if (tries === 0) { console.error("no free port in 20000-32767"); process.exit(1); }
      const port = 20000 + Math.floor(Math.random() * 12768);
      if (handed.has(String(port))) return attempt(tries - 1);
      const server = net.createServer();
      server.once("error", () => attempt(tries - 1));
      server.listen(port, "127.0.0.1", () => server.close(() => {
        fs.appendFileSync(file, port + "\n");
        console.log(port);
      }));
    };
    attempt(200);
  ' "$handed"
}

# service_export NAME VAR VALUE: records an endpoint of a started service; tests and
# the dev command read these files (services.sh env prints them all).
service_export() {
  local dir
  dir=$(service_dir "$1")
  mkdir -p "$dir"
  printf 'export %s=%q\n' "$2" "$3" >> "$dir/env"
  export "$2=$3"
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every second until it succeeds.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local i
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  log "$what did not happen within ${seconds}s"
  return 1
}

# stop_pidfile FILE [SECONDS]: SIGTERM the process in FILE, SIGKILL after SECONDS (default 30).
stop_pidfile() {
  local file=$1 seconds=${2:-30} pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

# run_as_service_user COMMAND...: runs COMMAND as the unprivileged `dbaas` user when
# running as root (PostgreSQL and others refuse root), else as the current user.
run_as_service_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id dbaas >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin dbaas
    runuser -u dbaas -- "$@"
  else
    "$@"
  fi
}

# owned_by_service_user DIR: makes DIR writable by run_as_service_user.
owned_by_service_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id dbaas >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin dbaas
    chown -R dbaas "$1"
  fi
}

# wait_while_running PID SECONDS DESCRIPTION LOG COMMAND...: polls COMMAND every second
# until it succeeds, like wait_until, but gives up at once (showing the end of LOG) if
# the process PID exits: a service that died should fail now, not after the timeout.
wait_while_running() {
  local pid=$1 seconds=$2 what=$3 logfile=$4 i
  shift 4
  for ((i = 0; i < seconds; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the process exited while waiting for $what; the end of $logfile:"
      tail -n 20 "$logfile" >&2 2>/dev/null || true
      return 1
    fi
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  log "$what did not happen within ${seconds}s; see $logfile"
  return 1
}
