# Prometheus from Debian's packages. Scrape targets come from files (file-based
# discovery) in $(service_dir prometheus)/targets/{backend,operator}/*.json, so the dev
# command, the operator and tests can add a metrics endpoint on whatever port they got;
# alerting rules from $(service_dir prometheus)/rules/*.yml, read again on a reload
# (POST /-/reload). Its alerts go to the stack's Alertmanager.

prometheus_deps() { echo alertmanager; }

prometheus_install() {
  command -v prometheus >/dev/null || ensure_debian_packages prometheus
}

prometheus_start() {
  local dir port
  dir=$(service_dir prometheus)
  port=$(free_port)
  mkdir -p "$dir/targets/backend" "$dir/targets/operator" "$dir/rules" "$dir/data"
  # Short intervals: tests wait for a scrape, so each second counts.
  cat > "$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 5s
rule_files: ['$dir/rules/*.yml']
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['${DBAAS_ALERTMANAGER_URL#http://}']
scrape_configs:
  - job_name: dbaas-backend
    file_sd_configs:
      - files: ['$dir/targets/backend/*.json']
        refresh_interval: 1s
  - job_name: serviceclaim-operator
    file_sd_configs:
      - files: ['$dir/targets/operator/*.json']
        refresh_interval: 1s
YAML
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --web.enable-lifecycle \
    > "$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  wait_until 60 "Prometheus readiness" curl -fsS "http://127.0.0.1:$port/-/ready"
  service_export prometheus DBAAS_PROMETHEUS_URL "http://127.0.0.1:$port"
  service_export prometheus DBAAS_PROMETHEUS_TARGETS_DIR "$dir/targets"
  service_export prometheus DBAAS_PROMETHEUS_RULES_DIR "$dir/rules"
}

prometheus_stop() {
  stop_pidfile "$(service_dir prometheus)/prometheus.pid"
}
