# The Percona Operator for MongoDB: the real operator, on a kube-apiserver of its own, so
# tests can show that what we render for MongoDB is reconciled by the software that runs
# it in a PoP. Built from the Go module proxy (no image registry is reachable here).
#
# Its own cluster, not a PoP of the whole loop, for the reason cnpg.sh gives: there the
# engine stand-in plays the operator's status. This cluster runs the garbage collector
# and the namespace controller, so a test's namespace and what it owns go.
#
# Percona has no admission webhooks (nothing in pkg/ registers one, and the manager's
# webhook server is never started), so unlike cnpg there is nothing to wire up for them.
#
# What the operator needs outside a pod, read from cmd/manager/main.go, pkg/k8s/utils.go
# and getOperatorPodImage (pkg/controller/perconaservermongodb/psmdb_controller.go):
# - its namespace in /var/run/secrets/kubernetes.io/serviceaccount/namespace: it runs in
#   a mount namespace of its own with a tmpfs on /run holding only that file (hence
#   root), so the machine's /run is neither changed nor needed (it talks to 127.0.0.1);
# - its own Pod, named $HOSTNAME in that namespace, whose first container's image it
#   takes as the init image of every mongod and mongos: created here, never run;
# - WATCH_NAMESPACE empty (every namespace) and DISABLE_TELEMETRY=true (no calls to
#   Percona's version service; claims set upgradeOptions.apply: disabled as well).
#
# TLS: the operator makes its own CA and TLS Secrets unless cert-manager answers its
# check, a dry-run CertificateRequest. The tests install shared/crds' cert-manager CRDs
# (Certificate, Issuer, ClusterIssuer; no CertificateRequest), so the check says "not
# installed" and it generates them itself. With the CertificateRequest CRD and no
# cert-manager webhook, the check fails and so does every reconcile.
#
# What cannot run here: mongod, mongos and the backup agent, which live in the pods no
# kubelet starts. The operator gets as far as a kubelet would take over: the StatefulSets
# of the replica sets and config servers, Services, the users, key and TLS Secrets, and
# the status "initializing". Not the mongos StatefulSet: the operator makes it from the
# config server pods' addresses, once they exist.

psmdb_version=1.22.0
psmdb_module_path=github.com/percona/percona-server-mongodb-operator
psmdb_namespace=psmdb-operator
# Its Pod as deploy/operator.yaml's Deployment would name one.
psmdb_pod=percona-server-mongodb-operator-0

psmdb_home() { printf '%s/psmdb-%s' "$DBAAS_SERVICES_CACHE" "$psmdb_version"; }

psmdb_module() { printf '%s/go/pkg/mod/%s@v%s' "$DBAAS_SERVICES_CACHE" "$psmdb_module_path" "$psmdb_version"; }

psmdb_install() {
  kube_install || return 1
  ensure_debian_packages curl util-linux
  # The release's go.mod replaces lumberjack with a directory of its own, for the
  # mongodb-healthcheck command; the manager does not import it (go mod why), so the
  # throwaway module needs no replace.
  kube_build_release "$(psmdb_home)/bin/manager" "the Percona Operator for MongoDB $psmdb_version" \
    "$psmdb_module_path" "$psmdb_version" cmd/manager || return 1
  # The start takes the CRDs from the release (a cached binary outlives a cleaned module cache).
  [ -d "$(psmdb_module)/config/crd/bases" ] ||
    (cd / && kube_go mod download "$psmdb_module_path@v$psmdb_version") ||
    { log "could not download $psmdb_module_path v$psmdb_version"; return 1; }
}

# psmdb_manifests: its namespace, every CRD of the release (it watches all three at
# start) and the Pod it reads its image from.
psmdb_manifests() {
  local crd
  for crd in "$(psmdb_module)"/config/crd/bases/*.yaml; do
    cat "$crd"
    printf '\n---\n'
  done
  cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $psmdb_namespace
---
apiVersion: v1
kind: Pod
metadata:
  name: $psmdb_pod
  namespace: $psmdb_namespace
  labels:
    app.kubernetes.io/name: percona-server-mongodb-operator
spec:
  containers:
    - name: percona-server-mongodb-operator
      image: percona/percona-server-mongodb-operator:$psmdb_version
EOF
}

# psmdb_crds_served CLUSTER_DIR: the apiserver serves the three kinds. Started before
# that, the operator's first watch fails and its controller waits 10 s to retry.
psmdb_crds_served() {
  local cluster=$1 served plural
  served=$(curl -fsS --cacert "$cluster/pki/ca.crt" --cert "$cluster/pki/admin.crt" \
    --key "$cluster/pki/admin.key" "$(cat "$cluster/url")/apis/psmdb.percona.com/v1") || return 1
  for plural in perconaservermongodbs perconaservermongodbbackups perconaservermongodbrestores; do
    grep -q "\"name\": *\"$plural\"" <<< "$served" || return 1
  done
}

psmdb_ready() {
  local dir=$1 controller
  curl -fsS "http://127.0.0.1:$(cat "$dir/probe-port")/readyz" || return 1
  for controller in psmdb psmdbbackup psmdbrestore; do
    grep -q "\"msg\":\"Starting workers\".*\"controller\":\"$controller-controller\"" "$dir/psmdb.log" ||
      return 1
  done
}

psmdb_start() {
  local dir home metrics_port probe_port
  dir=$(service_dir psmdb)
  home=$(psmdb_home)
  if [ "$(id -u)" -ne 0 ]; then
    log "psmdb needs root (unshare --mount) to give the operator its service account namespace file"
    return 1
  fi
  kube_cluster_start "$dir/cluster" psmdb garbagecollector,namespace || return 1
  psmdb_manifests > "$dir/manifests.yaml"
  # shellcheck disable=SC2154 # repo_root: set by scripts/lib/toolchain.sh, which services.sh sources
  node "$repo_root/scripts/lib/kube.mjs" apply "$dir/cluster/kubeconfig" "$psmdb_namespace" \
    < "$dir/manifests.yaml" || { psmdb_stop; return 1; }
  wait_until 30 "the Percona CRDs served" psmdb_crds_served "$dir/cluster" || { psmdb_stop; return 1; }

  if ! metrics_port=$(free_port) || ! probe_port=$(free_port); then psmdb_stop; return 1; fi
  while [ "$probe_port" = "$metrics_port" ]; do probe_port=$(free_port) || { psmdb_stop; return 1; }; done
  printf '%s' "$probe_port" > "$dir/probe-port"
  # One operator, so no leader election (it would only add a Lease to wait for).
  # shellcheck disable=SC2016 # expanded by the inner shell, on purpose
  KUBECONFIG="$dir/cluster/kubeconfig" WATCH_NAMESPACE="" HOSTNAME="$psmdb_pod" \
    DISABLE_TELEMETRY=true LOG_STRUCTURED=true LOG_LEVEL=INFO \
    kube_daemon "$dir/psmdb.pid" "$dir/psmdb.log" unshare --mount --propagation private \
    sh -c 'run=$(readlink -f /var/run) && mount -t tmpfs -o mode=755 tmpfs "$run" &&
      mkdir -p "$run/secrets/kubernetes.io/serviceaccount" &&
      printf %s "$0" > "$run/secrets/kubernetes.io/serviceaccount/namespace" && exec "$@"' \
    "$psmdb_namespace" "$home/bin/manager" --leader-elect=false \
    --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address "127.0.0.1:$probe_port" ||
    { psmdb_stop; return 1; }
  kube_wait 120 "$dir/psmdb.pid" "$dir/psmdb.log" "the Percona Operator for MongoDB ready" \
    psmdb_ready "$dir" || { psmdb_stop; return 1; }

  service_export psmdb DBAAS_PSMDB_KUBECONFIG "$dir/cluster/kubeconfig"
  service_export psmdb DBAAS_PSMDB_LOG "$dir/psmdb.log"
}

psmdb_stop() {
  local dir
  dir=$(service_dir psmdb)
  stop_pidfile "$dir/psmdb.pid" 30
  kube_cluster_stop "$dir/cluster"
}
