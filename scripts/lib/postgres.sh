# Sourced by test.sh: a throwaway PostgreSQL cluster on a free loopback port for
# the store tests, which Backstage's TestDatabases finds through
# BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.

pg_dir=""

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    log "PostgreSQL server binaries not found under /usr/lib/postgresql"
    return 1
  fi
  local major
  major=$(basename "$(dirname "$bin")")
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/dbaas-pg.XXXXXX")
  # PostgreSQL refuses to run as root; run it as the package's own user then.
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$pg_dir"
    as=(runuser -u postgres --)
  fi
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "${as[@]}" "$bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port"
  log "PostgreSQL $major for tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  [ -n "$pg_dir" ] || return 0
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null || true
  else
    "$bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null || true
  fi
  rm -rf "$pg_dir"
}
