/**
 * Types, schemas and data shared by the DBaaS portal's frontend and backend packages.
 *
 * @packageDocumentation
 */

export * from './catalog/schema';
export {
  skuCatalogFor,
  offerings,
  engineName,
  planName,
} from './catalog/skuCatalog';
export * from './catalog/pops';
export * from './catalog/backupCapabilities';
export * from './catalog/versionUpgrades';
export * from './cdc/cdcCapabilities';
export * from './cdc/cdcPipelineSchema';
export * from './cdc/cdcTopics';
export { cdcTopicEntityName } from './cdc/cdcTopicEntityName';
export * from './catalog/skuQuery';
export { formatZodError } from './validation/formatZodError';
export * from './claim/quantity';
export * from './claim/serviceClaimSpec';
export {
  serviceClaimSpecSchema,
  runnableClaimSpecSchema,
} from './claim/serviceClaimSpecSchema';
export { claimRuleIssues, type ClaimIssue } from './claim/claimRules';
export {
  engineRoles,
  DRAGONFLY_MEMORY_TIERS,
  type EngineRoles,
} from './claim/engineRoles';
export { engineTls, type EngineTls } from './claim/engineTls';
export { specFromSku } from './claim/specFromSku';
export {
  claimSpecForRequest,
  type ClaimSpecResult,
  type RequestIssue,
} from './claim/claimSpecForRequest';
export { claimSpecForChange } from './claim/claimSpecForChange';
export * from './claim/serviceClaimStatus';
export { serviceClaimCrd, SERVICE_CLAIM_API } from './claim/serviceClaimCrd';
export * from './api/apiError';
export { claimFootprint, type ClaimFootprint } from './claim/claimFootprint';
export {
  claimRegions,
  replicasStartFromPrimaryBackup,
} from './claim/claimRegions';
export * from './api/serviceConfig';
export * from './api/serviceRequests';
export * from './api/serviceResponses';
export { quotaLeft, quotaShortfalls, type QuotaLeft } from './api/quotaLeft';
export * from './cost/priceList';
export * from './cost/monthlyPrice';
export * from './cost/tenantBudgets';
export * from './api/serviceStatus';
export * from './api/restoreRules';
export * from './tenancy/roles';
export * from './tenancy/apiClients';
export * from './permissions';
export * from './gitops/claimLocation';
export * from './api/serviceEvents';
export * from './alerts/serviceAlerts';
export { serviceEntityName } from './gitops/serviceEntityName';
export * from './gitops/claimManifest';
export * from './gitops/claimFileChange';
export { claimDiff } from './gitops/claimDiff';
export * from './entity/dbaasAnnotations';
export { databaseEntityPath } from './entity/databaseEntityPath';
export { engineRunbook } from './entity/engineRunbook';
export * from './client/DbaasApi';
export {
  DbaasClient,
  DBAAS_OPENAPI_PATH,
  DBAAS_PLUGIN_ID,
  MAX_SERVICES_PAGE_SIZE,
} from './client/DbaasClient';
export { DbaasApiError } from './client/DbaasApiError';
export {
  metricQueries,
  resourceQueries,
  scopeMatchers,
  type MetricName,
  type MetricQueryInput,
  type MetricScope,
  type ResourceName,
} from './metrics/metricQueries';
export {
  ENGINE_EXPORTER_SERIES,
  type EngineExporterSeries,
} from './metrics/engineExporterSeries';
export {
  ENGINE_DASHBOARD_EXTRA_PANELS,
  ENGINE_DASHBOARD_PANELS,
  GRAFANA_DASHBOARD_UIDS,
  METRIC_PANELS,
  PORTAL_DASHBOARD_PANELS,
  embeddedEnginePanels,
  type EngineSpecificPanel,
  type GrafanaPanel,
} from './metrics/grafanaDashboards';
export {
  KUBE_SERVICE_ID_LABEL,
  SERVICE_ID_LABEL,
} from './metrics/serviceIdLabel';
