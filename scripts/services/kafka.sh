# Kafka as one KRaft node that is both broker and controller: the event bus of the CDC
# pipeline (Debezium, see connect.sh) and of the tests that read from it. The jars come
# from Maven Central through scripts/services/maven/kafka-pom.xml, because package
# registries are all some machines reach (no Apache download mirror).
#
# Tests that need a broker outage call kafka_restart: it keeps the ports and the data.

# 4.4.0: newest release Maven resolved with all its modules (2026-11-24); 4.x is
# KRaft-only, so one JVM is the whole cluster. Its classes need Java 17.
kafka_version=4.4.0
# log4j2 behind slf4j 2: what Kafka's own distribution ships, since its POMs name no
# logging backend and ask for slf4j-api 1.7.
kafka_log4j_version=2.26.1
kafka_slf4j_version=2.0.17
# Pinned so that a plugin release cannot change which jars land in libs/.
kafka_dependency_plugin_version=3.11.0
kafka_java_major=17

kafka_home() { printf '%s/kafka-%s' "$DBAAS_SERVICES_CACHE" "$kafka_version"; }

# kafka_java: the java to run Kafka (and Connect) with; JAVA_HOME wins when set.
kafka_java() {
  local java=java major
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  major=$("$java" -XshowSettings:properties -version 2>&1 |
    awk -F' = ' '/java.specification.version/ {print $2}')
  if [ "${major:-0}" -lt "$kafka_java_major" ]; then
    log "Kafka $kafka_version needs Java $kafka_java_major or newer; $java is ${major:-missing}"
    return 1
  fi
  printf '%s' "$java"
}

# kafka_copy_jars POM DIR MAVEN-ARGS...: resolves the POM's dependencies into DIR, all or
# nothing (a half-copied DIR would pass for installed). Shared with connect.sh.
kafka_copy_jars() {
  local pom=$1 out=$2
  shift 2
  command -v mvn >/dev/null || ensure_debian_packages maven
  rm -rf "$out.partial"
  mkdir -p "$out.partial"
  # A repository of our own: ~/.m2 may be missing, shared or configured otherwise.
  # Maven's output only matters when it fails.
  if ! mvn -B -f "$pom" -Dmaven.repo.local="$DBAAS_SERVICES_CACHE/m2" \
    -Ddependency-plugin.version="$kafka_dependency_plugin_version" \
    -Dlog4j.version="$kafka_log4j_version" -Dslf4j.version="$kafka_slf4j_version" "$@" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out.partial" \
    > "$out.partial/maven.log" 2>&1; then
    grep -E '^\[(ERROR|WARNING)\]' "$out.partial/maven.log" | head -20 >&2
    log "resolving $pom failed; Maven's output is in $out.partial/maven.log"
    return 1
  fi
  rm -f "$out.partial/maven.log"
  rm -rf "$out"
  mv "$out.partial" "$out"
}

# kafka_log4j_config FILE LOG: a log4j2 configuration writing everything to LOG.
kafka_log4j_config() {
  cat > "$1" <<PROPERTIES
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $2
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
PROPERTIES
}

kafka_install() {
  local home
  home=$(kafka_home)
  [ -f "$home/.installed" ] && return 0
  log "installing Kafka $kafka_version into $home"
  mkdir -p "$home"
  kafka_copy_jars "$repo_root/scripts/services/maven/kafka-pom.xml" "$home/libs" \
    -Dkafka.version="$kafka_version"
  touch "$home/.installed"
}

# kafka_tool CLASS ARGS...: runs one of Kafka's command-line tools from the installed jars.
kafka_tool() {
  local java
  java=$(kafka_java) || return 1
  "$java" -Xmx256m -cp "$(kafka_home)/libs/*" "$@"
}

# services.sh calls NAME_start as an `if` condition, where set -e is off: hence the
# explicit `|| return 1` on the steps that matter.
kafka_start() {
  local dir port controller_port tenant_port cluster_id
  dir=$(service_dir kafka)
  port=$(free_port)
  controller_port=$(free_port)
  tenant_port=$(free_port)
  mkdir -p "$dir/data" "$dir/logs" || return 1
  # Replication factors 1: there is one node. No rebalance delay: tests' consumer groups
  # would otherwise wait 3s. The ports live in this file, so kafka_restart keeps them.
  cat > "$dir/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port,TENANT://127.0.0.1:$tenant_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,TENANT://127.0.0.1:$tenant_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,TENANT:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
# Two kinds of clients, as on a PoP: the platform (the portal, Kafka Connect, the
# operator) on PLAINTEXT, whose ANONYMOUS principal may do anything, and tenants on
# TENANT with SCRAM users, who may do what ACLs allow (the operator grants each tenant
# its CDC topics). No ACL, no access.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.tenant.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES
  kafka_log4j_config "$dir/log4j2.properties" "$dir/logs/server.log"
  # A Kafka cluster id is 16 random bytes in unpadded base64url. Made here
  # with coreutils (a `node -e` once answered nothing in CI, and the format
  # then failed on an empty id); checked before use all the same. One that
  # starts with '-' reads as an option to the storage tool (CI lost a run to
  # it, 1 in 64): drawn again.
  cluster_id=-
  while [ "${cluster_id:0:1}" = - ]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  if [ "${#cluster_id}" -ne 22 ]; then
    log "could not make a Kafka cluster id (got '$cluster_id')"
    return 1
  fi
  # --standalone: a one-voter dynamic quorum, so controller.quorum.voters is not needed.
  if ! kafka_tool kafka.tools.StorageTool format --standalone --cluster-id "$cluster_id" \
    --config "$dir/server.properties" > "$dir/logs/format.log" 2>&1; then
    log "formatting Kafka's storage failed: $(tail -3 "$dir/logs/format.log")"
    return 1
  fi
  kafka_launch || return 1
  # kafka-user NAME PASSWORD: a SCRAM user on the TENANT listener, as the platform makes
  # one per tenant (tests make theirs with it).
  cat > "$dir/kafka-user" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
exec "$(kafka_java)" -Xmx128m -cp "$(kafka_home)/libs/*" org.apache.kafka.tools.ConfigCommand \\
  --bootstrap-server 127.0.0.1:$port --alter --entity-type users --entity-name "\$1" \\
  --add-config "SCRAM-SHA-512=[iterations=4096,password=\$2]" > /dev/null
SCRIPT
  chmod +x "$dir/kafka-user"
  service_export kafka DBAAS_KAFKA_BROKERS "127.0.0.1:$port"
  service_export kafka DBAAS_KAFKA_TENANT_BROKERS "127.0.0.1:$tenant_port"
  service_export kafka DBAAS_KAFKA_USER_TOOL "$dir/kafka-user"
}

# kafka_launch: starts the formatted node of $(service_dir kafka) and waits until it
# serves metadata.
kafka_launch() {
  local dir java port pid
  dir=$(service_dir kafka)
  java=$(kafka_java) || return 1
  port=$(sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$dir/server.properties")
  # nohup: the broker outlives services.sh and the terminal that started it.
  nohup "$java" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$(kafka_home)/libs/*" kafka.Kafka "$dir/server.properties" \
    > "$dir/logs/stdout.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$dir/kafka.pid"
  wait_while_running "$pid" 90 "Kafka to listen on 127.0.0.1:$port" "$dir/logs/server.log" \
    bash -c "exec 3<> /dev/tcp/127.0.0.1/$port" || return 1
  # Listening is not serving: the broker answers metadata once it caught up with the
  # controller. Listing topics asks exactly that.
  wait_until 60 "Kafka on 127.0.0.1:$port to answer metadata" \
    timeout 20 "$java" -Xmx128m -cp "$(kafka_home)/libs/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$port" --list
}

# kafka_restart: stops the broker and starts it again on the same ports and data, e.g.
# for a test of how clients ride out a broker outage.
kafka_restart() {
  local dir
  dir=$(service_dir kafka)
  [ -f "$dir/server.properties" ] || { log "Kafka is not started"; return 1; }
  stop_pidfile "$dir/kafka.pid" 60
  kafka_launch
}

kafka_stop() {
  # 60s: a controlled shutdown flushes the logs and hands over the metadata first.
  stop_pidfile "$(service_dir kafka)/kafka.pid" 60
}
