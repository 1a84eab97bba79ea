# PostgreSQL from Debian's packages, as a throwaway cluster: Backstage's production
# database in production-like runs, the store tests' second database, and a CDC source
# (wal_level=logical) for Debezium.

postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] && printf '%s' "$bin"
}

postgres_install() {
  # Debian's server package: no build, and the version the store tests name (POSTGRES_15).
  postgres_bin >/dev/null || ensure_debian_packages postgresql
}

postgres_start() {
  local dir bin major port
  dir=$(service_dir postgres)
  bin=$(postgres_bin)
  major=$(basename "$(dirname "$bin")")
  port=$(free_port)
  owned_by_service_user "$dir"
  run_as_service_user "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  # fsync off: the data is thrown away with the directory, and tests run faster.
  run_as_service_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 -c max_connections=200" >/dev/null
  service_export postgres DBAAS_POSTGRES_HOST 127.0.0.1
  service_export postgres DBAAS_POSTGRES_PORT "$port"
  service_export postgres DBAAS_POSTGRES_USER postgres
  service_export postgres DBAAS_POSTGRES_URL "postgresql://postgres@127.0.0.1:$port/postgres"
  service_export postgres "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING" \
    "postgresql://postgres@127.0.0.1:$port"
}

postgres_stop() {
  local dir
  dir=$(service_dir postgres)
  [ -d "$dir/data" ] || return 0
  run_as_service_user "$(postgres_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}
