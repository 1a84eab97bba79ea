#!/usr/bin/env bash
# Runs every check the project has: type checking, lint, formatting, every
# package's tests (SQLite and a real PostgreSQL) and the end-to-end browser test
# against the started portal. Installs what it needs first.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/postgres.sh"

ensure_toolchain
# git: the local GitOps repository; chromium: end-to-end tests; postgresql: store tests.
ensure_debian_packages git chromium postgresql
ensure_dependencies
cd "$repo_root"

start_test_postgres
trap stop_test_postgres EXIT

log "type checking"
yarn tsc
log "lint"
yarn lint:all
log "formatting"
yarn prettier:check
log "unit and store tests"
CI=${CI:-true} yarn test:all
log "end-to-end tests in headless Chromium"
yarn test:e2e
