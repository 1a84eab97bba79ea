#!/usr/bin/env bash
# The portal's and the operator's container images (images/Containerfile).
#
#   scripts/images.sh build [portal|operator ...]   build what is missing (both by
#                                                   default); prints `export` lines
#                                                   naming them (DBAAS_PORTAL_IMAGE,
#                                                   DBAAS_OPERATOR_IMAGE)
#   scripts/images.sh buildah ARGS...               buildah on the images' storage,
#                                                   e.g. `images`, `run`, `push`
#
# Cached by content in $DBAAS_CACHE_DIR/images: an unchanged tree builds nothing.
# To put an image in a registry: scripts/images.sh buildah push <image> docker://<registry>/<path>:<tag>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/images.sh"

command=${1:-build}
shift || true
case "$command" in
  build)
    ensure_toolchain
    ensure_image_tools
    # The bundles are built from the workspace: a fresh clone needs its packages.
    ensure_dependencies
    targets=("$@")
    [ ${#targets[@]} -gt 0 ] || targets=(portal operator)
    for target in "${targets[@]}"; do
      case "$target" in
        portal) name=$(image_build portal); printf 'export DBAAS_PORTAL_IMAGE=%s\n' "$name" ;;
        operator) name=$(image_build operator); printf 'export DBAAS_OPERATOR_IMAGE=%s\n' "$name" ;;
        *) log "unknown image: $target (portal or operator)"; exit 2 ;;
      esac
    done
    ;;
  buildah) image_buildah "$@" ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
