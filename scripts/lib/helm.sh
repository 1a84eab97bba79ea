# Sourced after toolchain.sh. ensure_helm puts Helm on PATH and exports DBAAS_HELM (its
# path) for the chart tests, building it when the machine lacks it.
#
# Built from source with Go, like the kube-apiserver in scripts/services/kube.sh: only
# package registries are reachable and the Go module proxy is the one that carries Helm.
# The binary lives in the cache outside the repository, keyed by version, so a version
# bump builds anew and an old binary is never taken for the new one.

# The newest Helm 3 on the module proxy when this was written (2026-11). Helm 4 changes
# the chart and CLI behaviour; the chart targets Helm 3, which most clusters still run.
helm_version=3.22.0

helm_home() { printf '%s/tools/helm-%s' "$DBAAS_CACHE_DIR" "$helm_version"; }

# helm_go ARGS...: go with the module and build cache that kube.sh uses, so Helm and the
# kube-apiserver share their downloads (client-go, apimachinery, x/...) and compiled packages.
helm_go() {
  (
    # The machine's Go comes first: Debian's golang-go is too old for Helm's go.mod.
    export PATH="/usr/local/go/bin:$PATH"
    export GOPATH="$DBAAS_CACHE_DIR/services/go"
    export GOMODCACHE="$GOPATH/pkg/mod"
    export GOCACHE="$GOPATH/cache"
    # -modcacherw: the cache can then be deleted with a plain rm -rf.
    export GOFLAGS="-modcacherw"
    # A static binary: nothing to match on the machine, and no C compiler needed.
    export CGO_ENABLED=0
    go "$@"
  )
}

# helm_build OUT_DIR: `go install helm.sh/helm/v3/cmd/helm@v...` with the release build's
# stamps (Helm's Makefile): without them `helm version` says "v3.22" and, worse, `helm
# template` and `helm lint` assume Kubernetes 1.20 for .Capabilities and deprecations
# instead of the version of the client-go Helm was built with.
helm_build() {
  local out=$1 work gomod minor
  work=$(mktemp -d)
  gomod=$(cd "$work" && helm_go mod download -json "helm.sh/helm/v3@v$helm_version" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$gomod" ] || { log "could not download helm.sh/helm/v3 v$helm_version"; rm -rf "$work"; return 1; }
  rm -rf "$work"
  # k8s.io/client-go v0.37.0 is Kubernetes 1.37.
  minor=$(sed -n 's#^[[:space:]]*k8s\.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$gomod" | head -n 1)
  [ -n "$minor" ] || { log "no k8s.io/client-go in $gomod"; return 1; }
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$helm_version"
  ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local pkg
  for pkg in pkg/lint/rules pkg/chartutil; do
    ldflags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$minor"
  done
  GOBIN="$out" helm_go install -trimpath -ldflags="$ldflags" "helm.sh/helm/v3/cmd/helm@v$helm_version"
}

ensure_helm() {
  local bin started partial
  bin="$(helm_home)/bin"
  if [ ! -x "$bin/helm" ]; then
    log "building Helm $helm_version into $bin (the first build takes a few minutes)"
    started=$(date +%s)
    # Build beside the target and rename, so an interrupted build never looks installed.
    partial="$(helm_home)/.partial"
    rm -rf "$partial"
    mkdir -p "$partial" "$bin"
    helm_build "$partial" || { rm -rf "$partial"; return 1; }
    mv "$partial/helm" "$bin/helm"
    rm -rf "$partial"
    log "built Helm $helm_version in $(($(date +%s) - started))s"
  fi
  export DBAAS_HELM="$bin/helm"
  export PATH="$bin:$PATH"
}
