# Sourced after toolchain.sh. ensure_techdocs puts MkDocs with the TechDocs plugin on PATH
# and exports DBAAS_MKDOCS (its path): the TechDocs backend's local generator
# (app-config.yaml `techdocs.generator.runIn: local`) runs `mkdocs build` from PATH, and
# the runbooks' test (packages/test-services) builds every site with it.
#
# From PyPI (pip, as the machine's pip config says) into a Python virtual environment in
# the cache outside the repository, keyed by the pins, so a pin bump installs anew and an
# old environment is never taken for the new one. Debian's python3 makes it: other
# Pythons on PATH (pyenv's, ...) differ from machine to machine.

# mkdocs-techdocs-core pins its own plugins and theme (mkdocs-material 9.7.7, ...) but
# takes any mkdocs >= 1.6: mkdocs is pinned here to the release 1.7.1 was installed with.
techdocs_requirements=(mkdocs-techdocs-core==1.7.1 mkdocs==1.6.1)

techdocs_home() {
  printf '%s/tools/techdocs-%s' "$DBAAS_CACHE_DIR" \
    "$(printf '%s\n' "${techdocs_requirements[@]}" | sha256sum | cut -c1-12)"
}

ensure_techdocs() {
  local home started
  home=$(techdocs_home)
  # Written last: a venv records its own path in its scripts, so it cannot be made
  # elsewhere and renamed; an interrupted install has no stamp and is made again.
  if [ ! -f "$home/.installed" ]; then
    ensure_debian_packages python3 python3-venv
    log "installing ${techdocs_requirements[*]} into $home"
    started=$(date +%s)
    rm -rf "$home"
    if ! /usr/bin/python3 -m venv "$home" >&2 ||
      ! "$home/bin/pip" install --quiet --disable-pip-version-check "${techdocs_requirements[@]}" >&2 ||
      ! "$home/bin/mkdocs" --version >/dev/null; then
      log "could not install ${techdocs_requirements[*]}"
      rm -rf "$home"
      return 1
    fi
    # Only mkdocs goes on PATH: the venv's python3 and pip must not shadow the
    # machine's (node-gyp runs python3).
    mkdir -p "$home/shims"
    ln -s "$home/bin/mkdocs" "$home/shims/mkdocs"
    touch "$home/.installed"
    log "installed MkDocs for TechDocs in $(($(date +%s) - started))s"
  fi
  export DBAAS_MKDOCS="$home/bin/mkdocs"
  export PATH="$home/shims:$PATH"
}
