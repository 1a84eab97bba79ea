# Kafka Connect in distributed mode with the Debezium PostgreSQL connector: the CDC
# pipeline that streams PostgreSQL changes into Kafka. Tests register connectors through
# the REST API at $DBAAS_KAFKA_CONNECT_URL. The jars come from Maven Central through
# scripts/services/maven/connect-pom.xml; kafka.sh's helpers do the resolving and pick
# the java.

# The broker's version (kafka.sh): one Kafka release to know, and the worker's clients
# match the broker's.
connect_kafka_version=4.4.0
# 3.7.0.Final: the newest Debezium whose whole POM chain is served (3.7.1.Final's
# debezium-build-parent is not). Built against Kafka 4.3; Connect's API is stable within 4.x.
connect_debezium_version=3.7.0.Final

connect_deps() { echo kafka postgres; }

connect_home() { printf '%s/connect-%s' "$DBAAS_SERVICES_CACHE" "$connect_kafka_version"; }

connect_install() {
  local home pom plugin
  home=$(connect_home)
  pom="$repo_root/scripts/services/maven/connect-pom.xml"
  plugin="$home/plugins/debezium-connector-postgres"
  if [ ! -f "$home/libs/.installed" ]; then
    log "installing Kafka Connect $connect_kafka_version into $home"
    kafka_copy_jars "$pom" "$home/libs" -P connect-runtime -Dkafka.version="$connect_kafka_version"
    touch "$home/libs/.installed"
  fi
  # Its own marker: a Debezium bump replaces the plugin and keeps the runtime.
  if [ ! -f "$plugin/.installed-$connect_debezium_version" ]; then
    log "installing Debezium $connect_debezium_version into $plugin"
    # Connect loads each directory under plugin.path in a class loader of its own.
    mkdir -p "$home/plugins"
    kafka_copy_jars "$pom" "$plugin" -P debezium-postgres -Ddebezium.version="$connect_debezium_version"
    touch "$plugin/.installed-$connect_debezium_version"
  fi
  connect_build_transforms "$home" || return 1
}

# connect_build_transforms HOME: our own transforms (connect/transforms: the dead letter
# topic of CDC pipelines) compiled against this Connect's API into a plugin directory of
# their own, rebuilt when their sources change.
connect_build_transforms() {
  local home=$1 src="$repo_root/connect/transforms" out stamp
  out="$1/plugins/dbaas-connect-transforms"
  stamp=$(cat "$src"/src/dbaas/connect/transforms/*.java "$src"/resources/META-INF/services/* | sha256sum | cut -c1-16)
  [ -f "$out/.built-$stamp" ] && return 0
  command -v javac >/dev/null || ensure_debian_packages openjdk-17-jdk-headless
  log "building connect/transforms into $out"
  rm -rf "$out" "$out.partial"
  mkdir -p "$out.partial/classes"
  javac --release 17 -nowarn -cp "$home/libs/*" -d "$out.partial/classes" \
    "$src"/src/dbaas/connect/transforms/*.java || return 1
  cp -r "$src/resources/META-INF" "$out.partial/classes/" || return 1
  jar cf "$out.partial/dbaas-connect-transforms.jar" -C "$out.partial/classes" . || return 1
  rm -rf "$out.partial/classes"
  touch "$out.partial/.built-$stamp"
  mv "$out.partial" "$out"
}

# connect_ready URL: the worker serves REST and has loaded the Debezium connector and our
# transforms.
connect_ready() {
  local plugins
  plugins=$(curl -fsS "$1/connector-plugins?connectorsOnly=false") || return 1
  grep -q '"io.debezium.connector.postgresql.PostgresConnector"' <<<"$plugins" &&
    grep -q '"dbaas.connect.transforms.DeadLetterOversized"' <<<"$plugins"
}

# services.sh calls NAME_start as an `if` condition, where set -e is off: hence the
# explicit `|| return 1` on the steps that matter.
connect_start() {
  local dir home java port pid url
  dir=$(service_dir connect)
  home=$(connect_home)
  java=$(kafka_java) || return 1
  # services.sh exports a dependency's variables only when it started it in this run.
  if [ -f "$(service_dir kafka)/env" ]; then
    source "$(service_dir kafka)/env"
  fi
  if [ -z "${DBAAS_KAFKA_BROKERS:-}" ]; then
    log "Kafka Connect needs Kafka: start it first (scripts/services.sh start kafka)"
    return 1
  fi
  port=$(free_port)
  url="http://127.0.0.1:$port"
  mkdir -p "$dir/logs" "$dir/secrets" || return 1
  # Topics with one partition and replication factor 1: one broker, and fewer partitions
  # make the worker's first start quicker. Plain JSON without schema envelopes, so tests
  # read Debezium's change events (before/after/op/source) directly; a connector can turn
  # schemas back on with value.converter.schemas.enable=true. A 1s offset flush keeps
  # the replay after a restart short.
  cat > "$dir/worker.properties" <<PROPERTIES
bootstrap.servers=$DBAAS_KAFKA_BROKERS
group.id=dbaas-connect
config.storage.topic=dbaas-connect-configs
config.storage.replication.factor=1
offset.storage.topic=dbaas-connect-offsets
offset.storage.replication.factor=1
offset.storage.partitions=1
status.storage.topic=dbaas-connect-status
status.storage.replication.factor=1
status.storage.partitions=1
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
plugin.path=$home/plugins
# Debezium and Kafka's own plugins carry ServiceLoader manifests; scanning every class
# instead (the default) costs ~10s of each start.
plugin.discovery=service_load
listeners=$url
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
topic.creation.enable=true
# Connector configs name passwords through a config provider, never in clear. A PoP's
# worker resolves \${secrets:<namespace>/<name>:<key>} with Strimzi's Kubernetes
# provider; this one reads files under secrets/ (Kafka's own DirectoryConfigProvider),
# where tests put what the provider would read from the Secret.
config.providers=dir
config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
config.providers.dir.param.allowed.paths=$dir/secrets
PROPERTIES
  kafka_log4j_config "$dir/log4j2.properties" "$dir/logs/connect.log"
  connect_launch || return 1
  service_export connect DBAAS_KAFKA_CONNECT_URL "$url"
  service_export connect DBAAS_KAFKA_CONNECT_SECRETS_DIR "$dir/secrets"
}

# connect_launch: the worker of worker.properties, until it lists the Debezium connector.
connect_launch() {
  local dir home java url pid
  dir=$(service_dir connect)
  home=$(connect_home)
  java=$(kafka_java) || return 1
  url=$(sed -n 's|^listeners=||p' "$dir/worker.properties")
  # nohup: the worker outlives services.sh and the terminal that started it.
  nohup "$java" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$home/libs/*" org.apache.kafka.connect.cli.ConnectDistributed "$dir/worker.properties" \
    >> "$dir/logs/stdout.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$dir/connect.pid"
  wait_while_running "$pid" 120 "Kafka Connect to list the Debezium connector" \
    "$dir/logs/connect.log" connect_ready "$url"
}

# connect_restart: the same worker again, on its port, with its connectors (their
# configs and offsets are in Kafka), for tests of an outage.
connect_restart() {
  local dir
  dir=$(service_dir connect)
  [ -f "$dir/worker.properties" ] || { log "Kafka Connect is not started"; return 1; }
  connect_stop
  connect_launch
}

connect_stop() {
  # 60s: the worker stops its connectors and commits their offsets first. Without a
  # broker there is nothing to commit to, and a worker running Debezium would spend ~50s
  # timing out on it.
  local seconds=60
  kill -0 "$(cat "$(service_dir kafka)/kafka.pid" 2>/dev/null)" 2>/dev/null || seconds=5
  stop_pidfile "$(service_dir connect)/connect.pid" "$seconds"
}
