# Argo CD: the application-controller, applicationset-controller and repo-server, built
# from the Go module proxy (no image registry is reachable), run against the management
# kube-apiserver ("kube") and syncing to the PoP clusters ("pops"). Redis from Debian.
# argocd-server is not run: it serves the UI and API for people; the portal talks to the
# Application resources, and the UI is not in the module zip anyway.

# helm_home, ensure_helm: the repo-server renders Helm sources with it.
source "$repo_root/scripts/lib/helm.sh"

argocd_version=3.6.1
# Argo CD 3.6's go.mod says go 1.27: the go command fetches that toolchain from the proxy.
argocd_go_toolchain=go1.27.3
kustomize_version=5.7.1

argocd_home() { printf '%s/argocd-%s' "$DBAAS_SERVICES_CACHE" "$argocd_version"; }

# argocd_build_binary OUT: `go install github.com/argoproj/argo-cd/v3/cmd@v...` cannot work:
# argo-cd's go.mod replaces gitops-engine with ./gitops-engine (a nested module the zip
# lacks) and pins the k8s staging modules, and a dependency's replaces are never applied.
# A throwaway module repeats its replace block and takes gitops-engine from the proxy.
argocd_build_binary() {
  local out=$1 work gomod rc=0
  work=$(mktemp -d)
  gomod=$(cd "$work" && GOTOOLCHAIN=$argocd_go_toolchain kube_go mod download -json \
    "github.com/argoproj/argo-cd/v3@v$argocd_version" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$gomod" ] || { log "could not download argo-cd v$argocd_version"; rm -rf "$work"; return 1; }
  {
    printf 'module dbaas.local/argocd-build\n\ngo 1.27\n\n'
    printf 'require github.com/argoproj/argo-cd/v3 v%s\n\n' "$argocd_version"
    sed -n '/^replace (/,/^)/p' "$gomod"
    printf '\nreplace github.com/argoproj/argo-cd/gitops-engine/v3 => github.com/argoproj/argo-cd/gitops-engine/v3 v%s\n' \
      "$argocd_version"
  } > "$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/argoproj/argo-cd/v3/cmd"\n' > "$work/tools.go"
  (
    cd "$work" &&
      export GOTOOLCHAIN=$argocd_go_toolchain &&
      kube_go mod tidy &&
      kube_go build -trimpath \
        -ldflags="-s -w -X github.com/argoproj/argo-cd/v3/common.version=$argocd_version" \
        -o "$out" github.com/argoproj/argo-cd/v3/cmd
  ) || rc=$?
  rm -rf "$work"
  return "$rc"
}

argocd_install() {
  local home bin started module
  home=$(argocd_home)
  bin="$home/bin"
  ensure_debian_packages redis-server git curl
  # The repo-server renders Helm sources (the platform's charts) with helm from its PATH.
  ensure_helm || return 1
  mkdir -p "$bin"
  if [ ! -x "$bin/argocd" ]; then
    log "building Argo CD $argocd_version into $bin (the first build takes about 5 minutes)"
    started=$(date +%s)
    rm -f "$bin/.argocd.partial"
    argocd_build_binary "$bin/.argocd.partial" || return 1
    mv "$bin/.argocd.partial" "$bin/argocd"
    log "built Argo CD in $(($(date +%s) - started))s"
  fi
  if [ ! -x "$bin/kustomize" ]; then
    log "building kustomize $kustomize_version"
    (GOBIN="$bin" kube_go install "sigs.k8s.io/kustomize/kustomize/v5@v$kustomize_version") || return 1
  fi
  # The one binary acts by its name; the repo-server runs git and gpg through the
  # wrappers the upstream image puts on its PATH.
  local name
  for name in argocd-application-controller argocd-applicationset-controller argocd-repo-server; do
    ln -sf argocd "$bin/$name"
  done
  module="$DBAAS_SERVICES_CACHE/go/pkg/mod/github.com/argoproj/argo-cd/v3@v$argocd_version"
  for name in git-verify-wrapper.sh gpg-wrapper.sh; do
    [ -x "$bin/$name" ] || install -m 755 "$module/hack/$name" "$bin/$name"
  done
}

argocd_deps() { echo kube pops; }

argocd_module() {
  printf '%s/go/pkg/mod/github.com/argoproj/argo-cd/v3@v%s' "$DBAAS_SERVICES_CACHE" "$argocd_version"
}

argocd_kube() { node "$repo_root/scripts/lib/kube.mjs" "$@"; }

# argocd_kubeconfig OUT SERVER CA_FILE TOKEN: a kubeconfig acting as a service account.
argocd_kubeconfig() {
  (umask 077 && cat > "$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: management
  cluster:
    server: $2
    certificate-authority-data: $(kube_base64 < "$3")
users:
- name: sa
  user:
    token: $4
contexts:
- name: management
  context: {cluster: management, user: sa, namespace: argocd}
current-context: management
KUBECONFIG
  )
}

# The upstream install's configuration and RBAC (namespace-scoped roles plus the
# cluster-wide ones of the cluster install), from the release's own manifests, with
# Argo CD's CRDs as ../shared/crds has them.
argocd_manifests() {
  local module dir=$1
  # Kustomize takes folders only by relative paths.
  module=$(realpath --relative-to="$dir" "$(argocd_module)")
  cat > "$dir/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: argocd
resources:
  - $module/manifests/base/config
  - $module/manifests/base/application-controller-roles
  - $module/manifests/cluster-rbac/application-controller
  - $module/manifests/cluster-rbac/applicationset-controller
  - $module/manifests/base/applicationset-controller/argocd-applicationset-controller-sa.yaml
  - $module/manifests/base/applicationset-controller/argocd-applicationset-controller-role.yaml
  - $module/manifests/base/applicationset-controller/argocd-applicationset-controller-rolebinding.yaml
  - $module/manifests/base/repo-server/argocd-repo-server-sa.yaml
YAML
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n---\n'
  local crd
  for crd in "${DBAAS_SHARED_DIR:-$repo_root/../shared}/crds/argocd/"*.yaml; do
    cat "$crd"
    printf '\n---\n'
  done
  "$(argocd_home)/bin/kustomize" build --load-restrictor LoadRestrictionsNone "$dir"
}

# argocd_register_pops: each PoP cluster as Argo CD's cluster Secret, labelled with its
# PoP as the generated ApplicationSets select them (what `argocd cluster add --label`
# writes). Argo CD acts on PoPs with their admin token, as its argocd-manager would.
argocd_register_pops() {
  local pops_dir name ca
  pops_dir=$(service_dir pops)
  for name in "${pops_names[@]}"; do
    ca=$(kube_base64 < "$pops_dir/$name/pki/ca.crt")
    cat <<YAML
---
apiVersion: v1
kind: Secret
metadata:
  name: cluster-$name
  labels:
    argocd.argoproj.io/secret-type: cluster
    dbaas.io/pop: $name
type: Opaque
stringData:
  name: $name
  server: $(cat "$pops_dir/$name/url")
  config: '{"bearerToken":"$(cat "$pops_dir/$name/token")","tlsClientConfig":{"caData":"$ca"}}'
YAML
  done
}

argocd_start() {
  local dir bin kubeconfig redis_port repo_port name ports=()
  dir=$(service_dir argocd)
  bin="$(argocd_home)/bin"
  kubeconfig="$(service_dir kube)/kubeconfig"
  mkdir -p "$dir/manifests" "$dir/tmp" "$dir/home"
  argocd_manifests "$dir/manifests" > "$dir/install.yaml" || return 1
  argocd_register_pops >> "$dir/install.yaml" || return 1
  # argocd-server (not run here) puts a signing key into argocd-secret on its first
  # start; the other components refuse parts of their settings without one.
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: argocd-secret\nstringData:\n  server.secretkey: %s\n' \
    "$(openssl rand -base64 32)" >> "$dir/install.yaml"
  argocd_kube apply "$kubeconfig" argocd < "$dir/install.yaml" || return 1
  # Each controller acts with its own service account's token, as in the install.
  for name in argocd-application-controller argocd-applicationset-controller argocd-repo-server; do
    argocd_kubeconfig "$dir/$name.kubeconfig" "$DBAAS_KUBE_API_URL" \
      "$(service_dir kube)/pki/ca.crt" \
      "$(argocd_kube token "$kubeconfig" argocd "$name" 604800)" || return 1
  done

  for name in redis repo repo-metrics controller-metrics appset-metrics appset-probe appset-webhook; do
    ports+=("$(free_port)") || return 1
  done
  printf '%s\n' "${ports[@]}" > "$dir/ports"
  argocd_run "$dir" || { argocd_stop; return 1; }
  service_export argocd DBAAS_ARGOCD_NAMESPACE argocd
  service_export argocd DBAAS_ARGOCD_REDIS "127.0.0.1:${ports[0]}"
  service_export argocd DBAAS_ARGOCD_REPO_SERVER "127.0.0.1:${ports[1]}"
  service_export argocd DBAAS_ARGOCD_METRICS_URL "http://127.0.0.1:${ports[3]}/metrics"
}

# argocd_run DIR: starts Redis and the three components on the ports in DIR/ports.
argocd_run() {
  local dir=$1 bin ports
  bin="$(argocd_home)/bin"
  mapfile -t ports < "$dir/ports"
  kube_daemon "$dir/redis.pid" "$dir/redis.log" redis-server --bind 127.0.0.1 \
    --port "${ports[0]}" --save '' --appendonly no || return 1
  wait_until 30 "Redis answering" redis-cli -p "${ports[0]}" ping || return 1

  # The repo-server's PATH: git, kustomize, helm, and the wrappers its image carries.
  local path="$bin:$(helm_home)/bin:$PATH"
  local common=(env PATH="$path" HOME="$dir/home" TMPDIR="$dir/tmp" ARGOCD_GPG_ENABLED=false)
  kube_daemon "$dir/repo-server.pid" "$dir/repo-server.log" "${common[@]}" \
    KUBECONFIG="$dir/argocd-repo-server.kubeconfig" ARGOCD_FAKE_IN_CLUSTER=true \
    "$bin/argocd-repo-server" --disable-tls --client-ca-path "" --port "${ports[1]}" --metrics-port "${ports[2]}" \
    --redis "127.0.0.1:${ports[0]}" --loglevel info || return 1
  kube_wait 60 "$dir/repo-server.pid" "$dir/repo-server.log" "the repo-server answering" \
    curl -fsS "http://127.0.0.1:${ports[2]}/metrics" || return 1

  # ARGOCD_FAKE_IN_CLUSTER: "in-cluster" (https://kubernetes.default.svc) is the
  # management cluster of KUBECONFIG, which is what in a pod it would be.
  kube_daemon "$dir/application-controller.pid" "$dir/application-controller.log" "${common[@]}" \
    KUBECONFIG="$dir/argocd-application-controller.kubeconfig" ARGOCD_FAKE_IN_CLUSTER=true \
    "$bin/argocd-application-controller" \
    --repo-server "127.0.0.1:${ports[1]}" --repo-server-plaintext \
    --redis "127.0.0.1:${ports[0]}" --metrics-port "${ports[3]}" --loglevel info || return 1
  kube_daemon "$dir/applicationset-controller.pid" "$dir/applicationset-controller.log" "${common[@]}" \
    KUBECONFIG="$dir/argocd-applicationset-controller.kubeconfig" ARGOCD_FAKE_IN_CLUSTER=true \
    "$bin/argocd-applicationset-controller" \
    --argocd-repo-server "127.0.0.1:${ports[1]}" --repo-server-plaintext \
    --metrics-addr "127.0.0.1:${ports[4]}" --probe-addr "127.0.0.1:${ports[5]}" \
    --webhook-addr "127.0.0.1:${ports[6]}" --loglevel info || return 1
  kube_wait 60 "$dir/application-controller.pid" "$dir/application-controller.log" \
    "the application-controller serving metrics" curl -fsS "http://127.0.0.1:${ports[3]}/metrics" || return 1
  kube_wait 60 "$dir/applicationset-controller.pid" "$dir/applicationset-controller.log" \
    "the applicationset-controller serving metrics" curl -fsS "http://127.0.0.1:${ports[4]}/metrics" || return 1
}

argocd_stop() {
  local dir name
  dir=$(service_dir argocd)
  for name in applicationset-controller application-controller repo-server redis; do
    stop_pidfile "$dir/$name.pid" 30
  done
}

# argocd_restart: the same ports and configuration, for tests of a restart mid-sync.
argocd_restart() {
  argocd_stop
  argocd_run "$(service_dir argocd)"
}
