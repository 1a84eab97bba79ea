# A git server over HTTP: git's own http-backend (smart HTTP, the protocol code hosts
# speak) behind lighttpd's CGI, serving every bare repository under its root. Argo CD
# clones the GitOps repository from it as it would from a code host; the portal keeps
# writing the same bare repository through its path (dbaas.gitops.localPath).
# Read-only over HTTP: receive-pack is off unless a repository enables http.receivepack.
# It also serves a Helm chart repository, plain files under www/charts (`helm package`
# and `helm repo index` there), which Argo CD takes the platform's charts from.

gitserver_install() {
  ensure_debian_packages lighttpd git curl
}

gitserver_write_config() {
  local dir=$1 port=$2
  cat > "$dir/lighttpd.conf" <<CONF
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$dir/www"
server.errorlog = "$dir/error.log"
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
alias.url = ("/git" => "$(git --exec-path)/git-http-backend")
\$HTTP["url"] =~ "^/git" {
  cgi.assign = ("" => "")
  setenv.add-environment = (
    "GIT_PROJECT_ROOT" => "$dir/repos",
    "GIT_HTTP_EXPORT_ALL" => ""
  )
}
CONF
}

gitserver_start() {
  local dir port
  dir=$(service_dir gitserver)
  mkdir -p "$dir/www/charts" "$dir/repos"
  port=$(free_port) || return 1
  printf '%s' "$port" > "$dir/port"
  gitserver_write_config "$dir" "$port"
  gitserver_run "$dir" || return 1
  service_export gitserver DBAAS_GIT_ROOT "$dir/repos"
  service_export gitserver DBAAS_GIT_URL "http://127.0.0.1:$port/git"
  service_export gitserver DBAAS_HELM_REPO_DIR "$dir/www/charts"
  service_export gitserver DBAAS_HELM_REPO_URL "http://127.0.0.1:$port/charts"
}

gitserver_run() {
  local dir=$1
  # -D: in the foreground, so the pid file written below is the server's own.
  lighttpd -D -f "$dir/lighttpd.conf" > "$dir/lighttpd.log" 2>&1 < /dev/null &
  echo $! > "$dir/lighttpd.pid"
  # Any answer will do (the root is empty: 404).
  wait_until 30 "the git server answering" curl -sS -o /dev/null "http://127.0.0.1:$(cat "$dir/port")/"
}

gitserver_stop() {
  stop_pidfile "$(service_dir gitserver)/lighttpd.pid" 10
}

# gitserver_restart: the same port and repositories, for tests of an outage (they kill
# the process in lighttpd.pid, then restart it).
gitserver_restart() {
  local dir
  dir=$(service_dir gitserver)
  gitserver_stop
  gitserver_run "$dir"
}
