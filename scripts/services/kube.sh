# Kubernetes API: a real kube-apiserver backed by etcd, and nothing else (no kubelet,
# scheduler or controller-manager), the way envtest runs it. Tests get real validation,
# RBAC, CRDs and watches; nothing reconciles, so pods never run, service accounts get no
# token controller and deleted namespaces stay Terminating.
#
# Both binaries are built from source with Go, because only package registries are
# reachable and the Go module proxy is the one that carries them.

# The newest Kubernetes release on the module proxy when this was written (2026-11);
# its staging modules (k8s.io/api, ...) are published as v0.<minor>.<patch>.
kube_version=1.37.2
# Kubernetes 1.37 is built and tested against etcd 3.7 (its go.mod requires the 3.7.0
# client); 3.7.3 is that minor's newest patch.
kube_etcd_version=3.7.3

kube_home() { printf '%s/kube-%s-etcd-%s' "$DBAAS_SERVICES_CACHE" "$kube_version" "$kube_etcd_version"; }

# kube_go ARGS...: go with a module and build cache that outlive the repo's work tree,
# so a second build (or another version) reuses the downloads and compiled packages.
kube_go() {
  (
    # The machine's Go comes first: Debian's golang-go is too old for Kubernetes' go.mod.
    export PATH="/usr/local/go/bin:$PATH"
    export GOPATH="$DBAAS_SERVICES_CACHE/go"
    export GOMODCACHE="$DBAAS_SERVICES_CACHE/go/pkg/mod"
    export GOCACHE="$DBAAS_SERVICES_CACHE/go/cache"
    # The wrapper modules below have no go.sum: let go fill it in.
    # -modcacherw: the cache can then be deleted with a plain rm -rf.
    export GOFLAGS="-mod=mod -modcacherw"
    # Static binaries: nothing to match on the machine, and no C compiler needed.
    export CGO_ENABLED=0
    go "$@"
  )
}

# kube_build_release BIN LABEL MODULE VERSION PACKAGE: builds the command MODULE/PACKAGE
# of release VERSION into BIN, unless BIN is there. `go install MODULE/PACKAGE@vVERSION`
# asks the proxy for the module's version list, which it answers empty for the engine
# operators (CloudNativePG, Percona); a throwaway module that requires the exact version
# builds the same code. Built beside BIN and renamed, so an interrupted build never
# looks installed. The release's own replace directives do not apply here (Argo CD's
# are needed, so argocd.sh writes its own module); check a new release's before using it.
kube_build_release() {
  local bin=$1 label=$2 module=$3 version=$4 package=$5 work started rc=0
  [ -x "$bin" ] && return 0
  log "building $label into $(dirname "$bin") (a few minutes the first time)"
  started=$(date +%s)
  mkdir -p "$(dirname "$bin")"
  rm -f "$bin.partial"
  work=$(mktemp -d)
  printf 'module dbaas.local/%s-build\n\ngo 1.26.4\n\nrequire %s v%s\n' \
    "$(basename "$module")" "$module" "$version" > "$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/%s"\n' "$module" "$package" > "$work/tools.go"
  (
    cd "$work" &&
      kube_go mod tidy &&
      kube_go build -trimpath -ldflags="-s -w" -o "$bin.partial" "$module/$package"
  ) || rc=$?
  rm -rf "$work"
  [ "$rc" -eq 0 ] || { rm -f "$bin.partial"; return "$rc"; }
  mv "$bin.partial" "$bin"
  log "built $label in $(($(date +%s) - started))s"
}

# kube_build_component OUT NAME: `go install k8s.io/kubernetes/cmd/kube-apiserver@v...` cannot
# work because k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them
# with ./staging directories, which a dependency's replaces never apply. A throwaway
# module that requires k8s.io/kubernetes and replaces each staging module with its
# published version builds the same code.
kube_build_component() {
  local out=$1 component=$2 work gomod minor staging
  work=$(mktemp -d)
  gomod=$(cd "$work" && kube_go mod download -json "k8s.io/kubernetes@v$kube_version" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes v$kube_version"; rm -rf "$work"; return 1; }
  minor=${kube_version#*.}
  {
    printf 'module dbaas.local/kube-apiserver-build\n\ngo 1.26.0\n\n'
    printf 'require k8s.io/kubernetes v%s\n\n' "$kube_version"
    # The staging list changes between releases, so take it from the release itself.
    sed -n '/^replace (/,/^)/s#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod" |
      while read -r staging; do
        printf 'replace %s => %s v0.%s\n' "$staging" "$staging" "$minor"
      done
  } > "$work/go.mod"
  grep -q '^replace k8s.io/api ' "$work/go.mod" || { log "no staging replaces found in $gomod"; rm -rf "$work"; return 1; }
  # The tags and version stamps are those of the release build (hack/lib/golang.sh and
  # hack/lib/version.sh); without the stamps /version reports v0.0.0-master.
  local x ldflags=""
  for x in "gitVersion=v$kube_version" "gitMajor=${kube_version%%.*}" "gitMinor=${minor%%.*}" gitTreeState=clean; do
    ldflags+=" -X k8s.io/component-base/version.$x -X k8s.io/client-go/pkg/version.$x"
  done
  local rc=0
  (cd "$work" && kube_go build -trimpath -tags=selinux,notest,grpcnotrace \
    -ldflags="-s -w$ldflags" -o "$out" "k8s.io/kubernetes/cmd/$component") || rc=$?
  rm -rf "$work"
  return "$rc"
}

# kube_build_etcd OUT: etcd's main package is the root of go.etcd.io/etcd/server/v3 (the
# go.etcd.io/etcd/v3 module at the repo root lags behind on the proxy). Built from a
# throwaway module for the same reason as the apiserver: its own replaces point at ../.
kube_build_etcd() {
  local out=$1 work
  work=$(mktemp -d)
  printf 'module dbaas.local/etcd-build\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' \
    "$kube_etcd_version" > "$work/go.mod"
  local rc=0
  (cd "$work" && kube_go build -trimpath -ldflags="-s -w" -o "$out" go.etcd.io/etcd/server/v3) || rc=$?
  rm -rf "$work"
  return "$rc"
}

kube_install() {
  local bin started name
  bin="$(kube_home)/bin"
  # CRDs beyond ../shared/crds that the renders need (scripts/services/cnpg.sh).
  cnpg_fetch_crds || return 1
  if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] && [ -x "$bin/kube-controller-manager" ]; then
    return 0
  fi
  ensure_debian_packages openssl curl
  mkdir -p "$bin"
  for name in etcd kube-apiserver kube-controller-manager; do
    [ -x "$bin/$name" ] && continue
    log "building $name into $bin (the first build takes several minutes and a few GB)"
    started=$(date +%s)
    # Build beside the target and rename, so an interrupted build never looks installed.
    rm -f "$bin/.$name.partial"
    if [ "$name" = etcd ]; then
      kube_build_etcd "$bin/.$name.partial" || return 1
    else
      kube_build_component "$bin/.$name.partial" "$name" || return 1
    fi
    mv "$bin/.$name.partial" "$bin/$name"
    log "built $name in $(($(date +%s) - started))s"
  done
}

# kube_daemon PIDFILE LOG COMMAND...: runs COMMAND in its own session, so it outlives the
# shell that started it and a Ctrl-C there; the child writes its own pid because setsid
# may fork.
kube_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  setsid bash -c 'echo "$$" > "$0"; exec "$@"' "$pidfile" "$@" > "$logfile" 2>&1 < /dev/null &
  local i
  for ((i = 0; i < 50; i++)); do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
  done
  log "$(basename "$pidfile" .pid) did not start"
  return 1
}

# kube_wait SECONDS PIDFILE LOG DESCRIPTION COMMAND...: like wait_until, but gives up as
# soon as the process has died and shows the end of its log.
kube_wait() {
  local seconds=$1 pidfile=$2 logfile=$3 what=$4 i
  shift 4
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "$what: the process exited; the end of $logfile:"
      tail -n 20 "$logfile" >&2
      return 1
    fi
    sleep 1
  done
  log "$what did not happen within ${seconds}s; the end of $logfile:"
  tail -n 20 "$logfile" >&2
  return 1
}

# One line, whichever base64 this is (GNU wraps at 76 columns, BSD does not know -w).
kube_base64() { base64 | tr -d '\n'; }

kube_etcd_healthy() { curl -fsS "$1/health" | grep -q '"health":"true"'; }

kube_apiserver_ready() {
  local dir=$1 url=$2
  [ "$(curl -fsS --cacert "$dir/pki/ca.crt" --cert "$dir/pki/admin.crt" \
    --key "$dir/pki/admin.key" "$url/readyz")" = ok ]
}

# kube_certs DIR: a CA, the apiserver's serving cert, an admin client cert and the
# service-account signing key pair. Fresh on every start: nothing outlives a stop.
kube_certs() {
  local pki=$1
  mkdir -p "$pki"
  # Chained with &&: start_one runs NAME_start as a condition, where set -e is off.
  (
    cd "$pki" && umask 077 &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj /CN=dbaas-kube-ca \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver &&
    # 10.0.0.1 is the in-cluster `kubernetes` service address of --service-cluster-ip-range.
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 3650 -extfile <(printf '%s\n' \
        'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
        'extendedKeyUsage=serverAuth' \
        'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc') &&
    # O=system:masters: the group that RBAC lets do anything, without any bindings.
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj '/O=system:masters/CN=dbaas-admin' &&
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out admin.crt -days 3650 -extfile <(printf '%s\n' \
        'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
        'extendedKeyUsage=clientAuth') &&
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key &&
    openssl pkey -in sa.key -pubout -out sa.pub &&
    rm -f ./*.csr ca.srl
  ) > "$pki/openssl.log" 2>&1 || { log "openssl failed; see $pki/openssl.log"; return 1; }
}

# kube_cluster_start DIR NAME [CONTROLLERS]: one cluster (etcd and kube-apiserver) with
# its state in DIR; leaves DIR/kubeconfig (admin client certificate, context NAME),
# DIR/url and DIR/token (an admin bearer token). CONTROLLERS (e.g.
# garbagecollector,namespace) also runs those controllers of kube-controller-manager.
# Stopped again with kube_cluster_stop DIR.
kube_cluster_start() {
  local dir=$1 cluster=$2 controllers=${3:-} bin etcd_port peer_port port etcd_url url token
  bin="$(kube_home)/bin"
  # Left behind by a start that failed half-way; a cluster never outlives a stop.
  rm -rf "$dir/etcd-data" "$dir/pki" "$dir/apiserver-certs"
  mkdir -p "$dir"
  kube_certs "$dir/pki" || return 1
  token=$(openssl rand -hex 32) || return 1
  # token,user,uid,"groups": the same admin as the client cert, for clients that only do tokens.
  printf '%s,dbaas-admin,dbaas-admin,"system:masters"\n' "$token" > "$dir/pki/tokens.csv"
  chmod 600 "$dir/pki/tokens.csv"

  etcd_port=$(free_port) && peer_port=$(free_port) || return 1
  while [ "$peer_port" = "$etcd_port" ]; do peer_port=$(free_port) || return 1; done
  etcd_url="http://127.0.0.1:$etcd_port"
  # --unsafe-no-fsync: the data is thrown away at stop, and fsync dominates test latency.
  kube_daemon "$dir/etcd.pid" "$dir/etcd.log" "$bin/etcd" \
    --name dbaas --data-dir "$dir/etcd-data" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "dbaas=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync || { kube_cluster_stop "$dir"; return 1; }
  kube_wait 60 "$dir/etcd.pid" "$dir/etcd.log" "etcd healthy" kube_etcd_healthy "$etcd_url" ||
    { kube_cluster_stop "$dir"; return 1; }

  port=$(free_port) || { kube_cluster_stop "$dir"; return 1; }
  while [ "$port" = "$etcd_port" ] || [ "$port" = "$peer_port" ]; do
    port=$(free_port) || { kube_cluster_stop "$dir"; return 1; }
  done
  url="https://127.0.0.1:$port"
  # The endpoint reconciler refuses a loopback advertise address, and nothing in the
  # cluster would use the `kubernetes` service's endpoints anyway.
  # Without a controller-manager no service account ever exists, so the ServiceAccount
  # admission plugin would reject every pod; the rest of the default plugins are harmless.
  kube_daemon "$dir/apiserver.pid" "$dir/apiserver.log" "$bin/kube-apiserver" \
    --etcd-servers "$etcd_url" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --endpoint-reconciler-type none \
    --cert-dir "$dir/apiserver-certs" \
    --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --token-auth-file "$dir/pki/tokens.csv" \
    --service-account-issuer "$url" \
    --service-account-key-file "$dir/pki/sa.pub" \
    --service-account-signing-key-file "$dir/pki/sa.key" \
    --authorization-mode RBAC \
    --disable-admission-plugins ServiceAccount \
    --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged=true || { kube_cluster_stop "$dir"; return 1; }
  kube_wait 120 "$dir/apiserver.pid" "$dir/apiserver.log" "kube-apiserver ready" \
    kube_apiserver_ready "$dir" "$url" || { kube_cluster_stop "$dir"; return 1; }

  # The kubeconfig embeds the client key: readable by its owner only.
  (umask 077 && : > "$dir/kubeconfig") || return 1
  cat > "$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $cluster
  cluster:
    server: $url
    certificate-authority-data: $(kube_base64 < "$dir/pki/ca.crt")
users:
- name: dbaas-admin
  user:
    client-certificate-data: $(kube_base64 < "$dir/pki/admin.crt")
    client-key-data: $(kube_base64 < "$dir/pki/admin.key")
contexts:
- name: $cluster
  context:
    cluster: $cluster
    user: dbaas-admin
current-context: $cluster
EOF
  printf '%s' "$url" > "$dir/url"
  printf '%s' "$token" > "$dir/token"

  if [ -n "$controllers" ]; then
    # --secure-port 0: it serves nothing; it only acts on the apiserver.
    kube_daemon "$dir/controller-manager.pid" "$dir/controller-manager.log" \
      "$bin/kube-controller-manager" --kubeconfig "$dir/kubeconfig" \
      --controllers "$controllers" --leader-elect=false --secure-port 0 ||
      { kube_cluster_stop "$dir"; return 1; }
  fi
}

kube_cluster_stop() {
  local dir=$1
  stop_pidfile "$dir/controller-manager.pid" 30
  # The apiserver first: stopped after etcd it would spend its grace period retrying.
  stop_pidfile "$dir/apiserver.pid" 30
  stop_pidfile "$dir/etcd.pid" 30
}

# The cluster most tests use, and Argo CD's management cluster in the whole loop.
kube_start() {
  local dir
  dir=$(service_dir kube)
  kube_cluster_start "$dir" dbaas || return 1
  service_export kube DBAAS_KUBECONFIG "$dir/kubeconfig"
  service_export kube DBAAS_KUBE_API_URL "$(cat "$dir/url")"
  service_export kube DBAAS_KUBE_TOKEN "$(cat "$dir/token")"
}

kube_stop() { kube_cluster_stop "$(service_dir kube)"; }
