# Keycloak, the OIDC provider the portal signs in with, with the realm `dbaas` imported from
# scripts/services/keycloak/dbaas-realm.json. That file holds no secret: the clients'
# secrets (the portal's sign-in, the catalog's reader of users and groups), the admin
# password and the users' password are drawn at each start, substituted into a copy under
# $(service_dir keycloak) and exported.

# 26.7.3: the newest Keycloak 26 release that Maven Central serves here (26.7.4 is not).
keycloak_version=26.7.3
# A released plugin version, so `mvn dependency:copy` resolves the same plugin everywhere.
keycloak_dependency_plugin_version=3.8.1
# Temurin 25, the newest JDK Keycloak 26 supports, comes with every machine of this kind
# beside OpenJDK 17; the glob spares us naming the architecture.
keycloak_java_home_glob='/usr/lib/jvm/temurin-25-jdk-*'
# Build-time options, baked into the cache once by `kc.sh build` so that each start can use
# --optimized: no re-augmentation (tens of seconds) and no writes into the cached lib/.
keycloak_build_options=(--db=dev-file --health-enabled=true)

keycloak_home() { printf '%s/keycloak-%s' "$DBAAS_SERVICES_CACHE" "$keycloak_version"; }

keycloak_java_home() {
  local dir
  for dir in $keycloak_java_home_glob; do
    if [ -x "$dir/bin/java" ]; then
      printf '%s' "$dir"
      return 0
    fi
  done
  log "Keycloak needs a JDK at $keycloak_java_home_glob"
  return 1
}

keycloak_install() {
  local home java_home stage m2
  home=$(keycloak_home)
  # Written last, so an interrupted install is redone rather than half used.
  [ -f "$home/.dbaas-installed" ] && return 0
  java_home=$(keycloak_java_home)
  m2="$DBAAS_SERVICES_CACHE/m2"
  mkdir -p "$DBAAS_SERVICES_CACHE"
  log "installing Keycloak $keycloak_version into $home"
  stage=$(mktemp -d "$DBAAS_SERVICES_CACHE/keycloak-install.XXXXXX")
  mvn -q -B -Dstyle.color=never -Dmaven.repo.local="$m2" \
    "org.apache.maven.plugins:maven-dependency-plugin:$keycloak_dependency_plugin_version:copy" \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$keycloak_version:tar.gz" \
    -DoutputDirectory="$stage" > "$stage/mvn.log" 2>&1 || {
    cat "$stage/mvn.log" >&2
    rm -rf "$stage"
    return 1
  }
  tar --no-same-owner -xzf "$stage/keycloak-quarkus-dist-$keycloak_version.tar.gz" -C "$stage"
  # The unpacked tree is all we use; the 170 MB archive would only double the cache.
  rm -f "$stage/keycloak-quarkus-dist-$keycloak_version.tar.gz"
  rm -rf "$m2/org/keycloak/keycloak-quarkus-dist/$keycloak_version"
  if ! JAVA_HOME="$java_home" "$stage/keycloak-$keycloak_version/bin/kc.sh" build \
    "${keycloak_build_options[@]}" > "$stage/build.log" 2>&1; then
    cat "$stage/build.log" >&2
    rm -rf "$stage"
    return 1
  fi
  # The build leaves temporary files there; each start has a data dir of its own.
  rm -rf "$stage/keycloak-$keycloak_version/data"
  touch "$stage/keycloak-$keycloak_version/.dbaas-installed"
  rm -rf "$home"
  mv "$stage/keycloak-$keycloak_version" "$home"
  rm -rf "$stage"
}

# keycloak_secret: 40 random hex characters, safe inside JSON and a sed replacement.
keycloak_secret() { od -An -tx1 -N20 /dev/urandom | tr -d ' \n'; }

keycloak_start() {
  local dir home java_home http management pid
  local admin_password client_secret catalog_client_secret user_password
  dir=$(service_dir keycloak)
  home=$(keycloak_home)
  # services.sh calls this inside `if`, where set -e is off: hence the `|| return 1`s.
  java_home=$(keycloak_java_home) || return 1
  # The env file and the realm copy hold this start's secrets.
  chmod 700 "$dir"
  # kc.sh takes the Keycloak home from its own location, and Keycloak writes its H2
  # database, the import and its temporary files under home/data; so the service gets a
  # home of its own whose read-only parts are the cache's.
  mkdir -p "$dir/home/bin" "$dir/home/data/import"
  cp "$home/bin/kc.sh" "$dir/home/bin/kc.sh" || return 1
  cp -R "$home/conf" "$dir/home/conf" || return 1
  ln -s "$home/lib" "$dir/home/lib" || return 1
  ln -s "$home/providers" "$dir/home/providers" || return 1
  ln -s "$home/themes" "$dir/home/themes" || return 1

  admin_password=$(keycloak_secret)
  client_secret=$(keycloak_secret)
  catalog_client_secret=$(keycloak_secret)
  user_password=$(keycloak_secret)
  sed -e "s/@KEYCLOAK_CLIENT_SECRET@/$client_secret/g" \
    -e "s/@KEYCLOAK_CATALOG_CLIENT_SECRET@/$catalog_client_secret/g" \
    -e "s/@DBAAS_KEYCLOAK_USER_PASSWORD@/$user_password/g" \
    "$repo_root/scripts/services/keycloak/dbaas-realm.json" \
    > "$dir/home/data/import/dbaas-realm.json" || return 1

  http=$(free_port)
  management=$(free_port)
  # free_port closes its socket, so two calls in a row may give the same port.
  while [ "$management" = "$http" ]; do management=$(free_port); done

  # --cache=local: one node, so no JGroups cluster listening on every interface.
  JAVA_HOME="$java_home" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
    "$dir/home/bin/kc.sh" start --optimized --import-realm \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$http" \
    --http-management-port="$management" --hostname-strict=false \
    --cache=local \
    < /dev/null > "$dir/keycloak.log" 2>&1 &
  pid=$!
  echo "$pid" > "$dir/keycloak.pid"

  local url="http://127.0.0.1:$http"
  local metadata="$url/realms/dbaas/.well-known/openid-configuration"
  # A bad option or a taken port ends Keycloak at once; wait_while_running notices.
  if ! wait_while_running "$pid" 180 "Keycloak to serve the dbaas realm" "$dir/keycloak.log" \
    keycloak_ready "$management" "$metadata"; then
    keycloak_stop
    return 1
  fi

  service_export keycloak DBAAS_KEYCLOAK_URL "$url"
  service_export keycloak KEYCLOAK_METADATA_URL "$metadata"
  service_export keycloak KEYCLOAK_CLIENT_ID dbaas-portal
  service_export keycloak KEYCLOAK_CLIENT_SECRET "$client_secret"
  # The catalog's service account (catalog.providers.keycloakOrg; docs/keycloak.md).
  service_export keycloak DBAAS_KEYCLOAK_CATALOG_CLIENT_ID dbaas-catalog
  service_export keycloak DBAAS_KEYCLOAK_CATALOG_CLIENT_SECRET "$catalog_client_secret"
  service_export keycloak DBAAS_KEYCLOAK_ADMIN_USER admin
  service_export keycloak DBAAS_KEYCLOAK_ADMIN_PASSWORD "$admin_password"
  service_export keycloak DBAAS_KEYCLOAK_USER_PASSWORD "$user_password"
}

# keycloak_ready MANAGEMENT-PORT METADATA-URL: healthy, and the realm imported.
keycloak_ready() {
  curl -fsS "http://127.0.0.1:$1/health/ready" && curl -fsS "$2"
}

keycloak_stop() {
  local file jvm=""
  file="$(service_dir keycloak)/keycloak.pid"
  # kc.sh forwards SIGTERM to its JVM and waits for it; but were kc.sh itself killed
  # after the timeout, the JVM would outlive it, so note the JVM's pid first.
  [ -f "$file" ] && jvm=$(pgrep -P "$(cat "$file")" java || true)
  stop_pidfile "$file" 60
  if [ -n "$jvm" ]; then
    kill -KILL "$jvm" 2>/dev/null || true
  fi
}
