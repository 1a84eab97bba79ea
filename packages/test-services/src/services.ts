/** The services of `scripts/services.sh`. */
export type ServiceName =
  | 'postgres'
  | 'alertmanager'
  | 'prometheus'
  | 'kube'
  | 'pops'
  | 'cnpg'
  | 'psmdb'
  | 'gitserver'
  | 'argocd'
  | 'kafka'
  | 'connect'
  | 'keycloak';

/** The variable each service exports once it is started and healthy. */
export const serviceMarkers: Record<ServiceName, string> = {
  postgres: 'DBAAS_POSTGRES_URL',
  alertmanager: 'DBAAS_ALERTMANAGER_URL',
  prometheus: 'DBAAS_PROMETHEUS_URL',
  kube: 'DBAAS_KUBECONFIG',
  pops: 'DBAAS_POPS',
  cnpg: 'DBAAS_CNPG_KUBECONFIG',
  psmdb: 'DBAAS_PSMDB_KUBECONFIG',
  gitserver: 'DBAAS_GIT_URL',
  argocd: 'DBAAS_ARGOCD_REPO_SERVER',
  kafka: 'DBAAS_KAFKA_BROKERS',
  connect: 'DBAAS_KAFKA_CONNECT_URL',
  keycloak: 'KEYCLOAK_METADATA_URL',
};
