#!/usr/bin/env bash
# Runs every check the project has: type checking, lint, formatting, every package's
# tests (unit tests; store tests on SQLite and PostgreSQL; integration tests against the
# real services of scripts/services.sh; the container images, built first and run) and
# the end-to-end browser test against the started portal. Installs what it needs first
# and stops what it started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/helm.sh"
source "$here/lib/images.sh"
source "$here/lib/techdocs.sh"

ensure_toolchain
# git: the local GitOps repository; chromium: end-to-end tests; curl and jq: the
# API's example for scripts (docs/api.md), run as written by its test.
ensure_debian_packages git chromium curl jq
# helm: the operator chart's tests (packages/test-services) run it from DBAAS_HELM.
ensure_helm
export DBAAS_HELM
# mkdocs with mkdocs-techdocs-core: the TechDocs backend builds the runbooks with it
# (end-to-end tests), and the runbooks' test (packages/test-services) runs it.
ensure_techdocs
# buildah and mmdebstrap: the portal's and the operator's images (scripts/images.sh).
ensure_image_tools
ensure_dependencies
cd "$repo_root"

# A state directory of this run's own, so a developer's running services are untouched.
export DBAAS_SERVICES_STATE
DBAAS_SERVICES_STATE=$(mktemp -d "${TMPDIR:-/tmp}/dbaas-test-services.XXXXXX")
# Services that refuse root (PostgreSQL) run as an unprivileged user, who must reach it.
chmod 755 "$DBAAS_SERVICES_STATE"
trap '"$here/services.sh" stop >&2 || true; rm -rf "$DBAAS_SERVICES_STATE"' EXIT
"$here/services.sh" start
eval "$("$here/services.sh" env)"

log "type checking"
yarn tsc
log "lint"
yarn lint:all
log "formatting"
yarn prettier:check
log "container images (cached by content: an unchanged tree builds nothing)"
# Built before the tests, which run them (packages/test-services/src/integration/images.test.ts).
DBAAS_PORTAL_IMAGE=$(image_build portal)
DBAAS_OPERATOR_IMAGE=$(image_build operator)
export DBAAS_PORTAL_IMAGE DBAAS_OPERATOR_IMAGE
log "unit, store and integration tests"
CI=${CI:-true} yarn test:all
log "end-to-end tests in headless Chromium: embedded defaults"
yarn test:e2e
log "end-to-end tests in headless Chromium: production-like, on the service stack"
yarn test:e2e:services
