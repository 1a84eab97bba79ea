# Alertmanager from Debian's packages (prometheus-alertmanager), which the stack's
# Prometheus sends its alerts to. It routes every alert to one webhook receiver,
# `dbaas-portal`; its URL and bearer token are the portal's, which a test or the dev
# command only knows once it has started one: they write them to the two files below
# and reload it (packages/test-services, routeAlertsTo). Until then it posts to a port
# nobody listens on, and keeps the alerts for its next try.

alertmanager_install() {
  command -v prometheus-alertmanager >/dev/null ||
    ensure_debian_packages prometheus-alertmanager
}

# alertmanager_config DIR URL: the config routing every alert to URL, with the bearer
# token in DIR/portal-token. Short waits: tests measure how soon an alert arrives; a
# deployment takes Alertmanager's defaults (group_wait 30s), as docs/observability.md says.
alertmanager_config() {
  cat <<YAML
route:
  receiver: dbaas-portal
  group_by: [alertname, dbaas_io_service_id]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: dbaas-portal
    webhook_configs:
      - url: '$2'
        send_resolved: true
        max_alerts: 100
        http_config:
          authorization:
            type: Bearer
            credentials_file: '$1/portal-token'
YAML
}

alertmanager_start() {
  local dir port
  dir=$(service_dir alertmanager)
  port=$(free_port)
  mkdir -p "$dir/data"
  printf 'none yet\n' > "$dir/portal-token"
  alertmanager_config "$dir" "http://127.0.0.1:1/api/dbaas/v1/alerts/alertmanager" \
    > "$dir/alertmanager.yml"
  # No cluster: one instance, so it binds no gossip port.
  prometheus-alertmanager --config.file="$dir/alertmanager.yml" \
    --storage.path="$dir/data" --web.listen-address="127.0.0.1:$port" \
    --cluster.listen-address= \
    > "$dir/alertmanager.log" 2>&1 &
  echo $! > "$dir/alertmanager.pid"
  wait_until 60 "Alertmanager readiness" curl -fsS "http://127.0.0.1:$port/-/ready"
  service_export alertmanager DBAAS_ALERTMANAGER_URL "http://127.0.0.1:$port"
  service_export alertmanager DBAAS_ALERTMANAGER_CONFIG "$dir/alertmanager.yml"
  service_export alertmanager DBAAS_ALERTMANAGER_TOKEN_FILE "$dir/portal-token"
}

alertmanager_stop() {
  stop_pidfile "$(service_dir alertmanager)/alertmanager.pid"
}
