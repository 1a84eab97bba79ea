# CloudNativePG: the real operator (controller and admission webhooks) with its Barman
# Cloud plugin, on a kube-apiserver of their own, so the operator's tests can show that
# every PostgreSQL render is admitted and reconciled by the software that runs it in a
# PoP. Both are built from the Go module proxy (no image registry is reachable here).
#
# Their own cluster, not a PoP of the whole loop: there the engine stand-in plays each
# engine operator's status, and the real controller would overwrite it with what it sees
# (no pods ever run here, so "Setting up primary"). This cluster runs the garbage
# collector and the namespace controller, so a test's namespace and what it owns go.
#
# What cannot run here: PostgreSQL itself and the plugin's sidecar, which live in the
# pods no kubelet starts. CloudNativePG gets as far as a kubelet would take over: Jobs,
# PVCs, Services, Secrets, RBAC, the plugin's Role.

cnpg_version=1.30.0
# The newest Barman Cloud plugin whose dependencies the module proxy serves: v0.15.0
# needs github.com/cloudnative-pg/{machinery,barman-cloud} v0.6.0, which it refuses.
# v0.14.0 is built against CloudNativePG v1.30.0 as well.
cnpg_barman_cloud_version=0.14.0
# The plugin's name (cnpg.io/pluginName) and where CloudNativePG expects it: the Service
# barman-cloud in the operator's namespace, as the plugin's own manifest.yaml installs it.
cnpg_namespace=cnpg-system
cnpg_plugin_service=barman-cloud

cnpg_home() {
  printf '%s/cnpg-%s-barman-cloud-%s' "$DBAAS_SERVICES_CACHE" "$cnpg_version" "$cnpg_barman_cloud_version"
}

cnpg_module() {
  printf '%s/go/pkg/mod/github.com/cloudnative-pg/%s' "$DBAAS_SERVICES_CACHE" "$1"
}

# cnpg_fetch_crds: the plugin's ObjectStore CRD, which PostgreSQL claims render and
# ../shared/crds lacks, from the plugin's release in the Go module cache into
# $DBAAS_SERVICES_CACHE/crds/, where the tests' CRD list (packages/test-services,
# kube/crdFiles.ts) takes it. Called by kube_install: every cluster the tests start
# gets the same CRDs.
cnpg_fetch_crds() {
  local dir module
  dir="$DBAAS_SERVICES_CACHE/crds/barman-cloud-v$cnpg_barman_cloud_version"
  [ -f "$dir/barmancloud.cnpg.io_objectstores.yaml" ] && return 0
  module=$(cnpg_module "plugin-barman-cloud@v$cnpg_barman_cloud_version")
  if [ ! -d "$module" ]; then
    (cd / && kube_go mod download "github.com/cloudnative-pg/plugin-barman-cloud@v$cnpg_barman_cloud_version") ||
      { log "could not download the Barman Cloud plugin $cnpg_barman_cloud_version"; return 1; }
  fi
  mkdir -p "$dir"
  cp "$module/config/crd/bases/barmancloud.cnpg.io_objectstores.yaml" "$dir/.partial"
  mv "$dir/.partial" "$dir/barmancloud.cnpg.io_objectstores.yaml"
}

cnpg_install() {
  local bin
  kube_install || return 1
  ensure_debian_packages openssl curl util-linux
  bin="$(cnpg_home)/bin"
  kube_build_release "$bin/manager" "CloudNativePG $cnpg_version" \
    github.com/cloudnative-pg/cloudnative-pg "$cnpg_version" cmd/manager || return 1
  kube_build_release "$bin/barman-cloud" "the Barman Cloud plugin $cnpg_barman_cloud_version" \
    github.com/cloudnative-pg/plugin-barman-cloud "$cnpg_barman_cloud_version" cmd/manager
}

# cnpg_self_signed DIR NAME SUBJECT_ALT_NAMES USAGE: a self-signed certificate and key
# DIR/NAME.crt, DIR/NAME.key, as the plugin's manifest has cert-manager's selfsigned
# issuer make them: each side trusts the other's certificate itself.
cnpg_self_signed() {
  local dir=$1 name=$2 sans=$3 usage=$4
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.crt" -days 3650 -subj "/CN=$name" \
    -addext "subjectAltName=$sans" -addext "extendedKeyUsage=$usage" \
    >> "$dir/openssl.log" 2>&1
}

cnpg_ready() {
  local dir=$1
  curl -fsS --cacert "$dir/webhook/ca.crt" "https://127.0.0.1:$(cat "$dir/webhook-port")/readyz" &&
    grep -q '"msg":"Registered plugin"' "$dir/cnpg.log"
}

cnpg_start() {
  local dir home webhook_port plugin_port probe_port hosts
  dir=$(service_dir cnpg)
  home=$(cnpg_home)
  if [ "$(id -u)" -ne 0 ]; then
    # The plugin is dialled at <service>.<namespace>.svc; only a private /etc/hosts in a
    # mount namespace of its own makes that name reach loopback for CloudNativePG alone.
    log "cnpg needs root (unshare --mount) to give CloudNativePG its own /etc/hosts"
    return 1
  fi
  kube_cluster_start "$dir/cluster" cnpg garbagecollector,namespace || return 1

  # The webhook's serving certificate, for 127.0.0.1, under the names CloudNativePG reads
  # from WEBHOOK_CERT_DIR (OLM's); with that directory set it leaves the PKI to us.
  kube_certs "$dir/webhook" || { cnpg_stop; return 1; }
  mkdir -p "$dir/plugin"
  (
    umask 077 &&
      cnpg_self_signed "$dir/plugin" server \
        "DNS:$cnpg_plugin_service,DNS:$cnpg_plugin_service.$cnpg_namespace.svc" serverAuth &&
      cnpg_self_signed "$dir/plugin" client "DNS:$cnpg_plugin_service-client" clientAuth
  ) || { log "openssl failed; see $dir/plugin/openssl.log"; cnpg_stop; return 1; }

  webhook_port=$(free_port) && plugin_port=$(free_port) && probe_port=$(free_port) ||
    { cnpg_stop; return 1; }
  printf '%s' "$webhook_port" > "$dir/webhook-port"
  node "$repo_root/scripts/services/cnpg/manifests.mjs" \
    --cnpg-module "$(cnpg_module "cloudnative-pg@v$cnpg_version")" \
    --plugin-module "$(cnpg_module "plugin-barman-cloud@v$cnpg_barman_cloud_version")" \
    --namespace "$cnpg_namespace" --plugin-service "$cnpg_plugin_service" \
    --webhook-url "https://127.0.0.1:$webhook_port" --webhook-ca "$dir/webhook/ca.crt" \
    --plugin-port "$plugin_port" --plugin-certs "$dir/plugin" > "$dir/manifests.yaml" ||
    { cnpg_stop; return 1; }
  node "$repo_root/scripts/lib/kube.mjs" apply "$dir/cluster/kubeconfig" "$cnpg_namespace" \
    < "$dir/manifests.yaml" || { cnpg_stop; return 1; }

  # The plugin's operator side: its gRPC server and the ObjectStore reconciler. The
  # sidecar image is what it injects into instance pods and Jobs.
  KUBECONFIG="$dir/cluster/kubeconfig" \
    SIDECAR_IMAGE="ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v$cnpg_barman_cloud_version" \
    kube_daemon "$dir/barman-cloud.pid" "$dir/barman-cloud.log" "$home/bin/barman-cloud" operator \
    --server-cert "$dir/plugin/server.crt" --server-key "$dir/plugin/server.key" \
    --client-cert "$dir/plugin/client.crt" --server-address "127.0.0.1:$plugin_port" \
    --metrics-bind-address 0 --health-probe-bind-address "127.0.0.1:$probe_port" ||
    { cnpg_stop; return 1; }

  # CloudNativePG looks at its working directory for the instance manager binaries it
  # may inject, one per architecture (operator/manager_<arch>).
  mkdir -p "$dir/work/operator"
  cp "$home/bin/manager" "$dir/work/operator/manager_amd64"
  hosts="$dir/hosts"
  { cat /etc/hosts; printf '127.0.0.1 %s.%s.svc\n' "$cnpg_plugin_service" "$cnpg_namespace"; } > "$hosts"
  # shellcheck disable=SC2016 # expanded by the inner shell, on purpose
  (
    cd "$dir/work" &&
      KUBECONFIG="$dir/cluster/kubeconfig" OPERATOR_NAMESPACE="$cnpg_namespace" \
        WEBHOOK_CERT_DIR="$dir/webhook" \
        kube_daemon "$dir/cnpg.pid" "$dir/cnpg.log" unshare --mount --propagation private \
        sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$hosts" \
        "$home/bin/manager" controller --webhook-port "$webhook_port" --metrics-bind-address 0
  ) || { cnpg_stop; return 1; }
  kube_wait 120 "$dir/cnpg.pid" "$dir/cnpg.log" "CloudNativePG ready with its plugin" \
    cnpg_ready "$dir" || { cnpg_stop; return 1; }

  service_export cnpg DBAAS_CNPG_KUBECONFIG "$dir/cluster/kubeconfig"
  service_export cnpg DBAAS_CNPG_LOG "$dir/cnpg.log"
  service_export cnpg DBAAS_CNPG_PLUGIN_LOG "$dir/barman-cloud.log"
}

cnpg_stop() {
  local dir
  dir=$(service_dir cnpg)
  stop_pidfile "$dir/cnpg.pid" 30
  stop_pidfile "$dir/barman-cloud.pid" 30
  kube_cluster_stop "$dir/cluster"
}
