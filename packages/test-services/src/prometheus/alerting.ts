import fs from 'node:fs';
import path from 'node:path';

async function reload(baseUrl: string, what: string): Promise<void> {
  const res = await fetch(`${baseUrl}/-/reload`, { method: 'POST' });
  if (!res.ok) {
    throw new Error(
      `${what} refused its reload: ${res.status} ${await res.text()}`,
    );
  }
}

/**
 * Points the stack's Alertmanager at a portal: its webhook receiver's URL and
 * bearer token (scripts/services/alertmanager.sh), then reloads it. One portal
 * at a time: the last call wins.
 */
export async function routeAlertsTo(
  env: Record<string, string>,
  target: { url: string; token: string },
): Promise<void> {
  fs.writeFileSync(env.DBAAS_ALERTMANAGER_TOKEN_FILE, target.token);
  const config = fs.readFileSync(env.DBAAS_ALERTMANAGER_CONFIG, 'utf8');
  fs.writeFileSync(
    env.DBAAS_ALERTMANAGER_CONFIG,
    config.replace(/url: '[^']*'/, `url: '${target.url}'`),
  );
  await reload(env.DBAAS_ALERTMANAGER_URL, 'Alertmanager');
}

/**
 * Gives the stack's Prometheus a rule file (Prometheus' rule-file YAML) and
 * reloads it; resolves to a function that takes it away again.
 */
export async function loadPrometheusRules(
  env: Record<string, string>,
  name: string,
  rules: string,
): Promise<() => Promise<void>> {
  const file = path.join(env.DBAAS_PROMETHEUS_RULES_DIR, `${name}.yml`);
  fs.writeFileSync(file, rules);
  await reload(env.DBAAS_PROMETHEUS_URL, 'Prometheus');
  return async () => {
    fs.rmSync(file, { force: true });
    await reload(env.DBAAS_PROMETHEUS_URL, 'Prometheus');
  };
}
