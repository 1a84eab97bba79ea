#!/usr/bin/env bash
# Starts the portal with its embedded defaults: frontend on :3000, backend on :7007.
# State (SQLite, the local GitOps repository) lives under ./data and survives restarts.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/techdocs.sh"
ensure_toolchain
ensure_debian_packages git
# mkdocs: the TechDocs backend builds the portal's docs and the runbooks with it.
ensure_techdocs
ensure_dependencies
cd "$repo_root"
exec yarn start "$@"
