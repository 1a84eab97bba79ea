/**
 * Jest helpers that give integration suites the real services of `scripts/services.sh`.
 *
 * @packageDocumentation
 */
export {
  portalCatalogConfig,
  type PortalCatalogConfig,
} from './backstage/portalCatalogConfig';
export {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
} from './backstage/testIdentity';
export {
  apiError,
  serviceDetails,
  withQuota,
} from './dbaasApi/dbaasApiFixtures';
export {
  StubDbaasApi,
  type StubAnswer,
  type StubRequest,
} from './dbaasApi/StubDbaasApi';
export { cdcCredentialsStandIn } from './cdc/cdcCredentialsStandIn';
export { describeWhenAvailable } from './describeWhenAvailable';
export { describeWithServices } from './describeWithServices';
export { findHelm } from './helm/findHelm';
export { helmTemplate, type Manifest } from './helm/helmTemplate';
export { portalRequiredValues } from './helm/portalChartValues';
export { eventually } from './eventually';
export { freePort } from './freePort';
export {
  describeWithPrometheus,
  startScrapedPrometheus,
  type Sample,
  type ScrapedPrometheus,
  type ScrapedPrometheusOptions,
  type Vector,
} from './prometheus/scrapedPrometheus';
export { loadCrds, sharedDir, type CrdFile } from './kube/crdFiles';
export { applyManifests } from './kube/applyManifests';
export { installCrds } from './kube/installCrds';
export { kubeConfigFrom } from './kube/kubeConfig';
export {
  clientCredentialsToken,
  createRealmUser,
  createServiceAccountClient,
  deleteRealmUser,
  keycloakAuthConfig,
  setRealmGroupMember,
  signInThroughKeycloak,
  type KeycloakSignIn,
  type RealmUser,
  type ServiceAccountClient,
} from './keycloak/keycloak';
export {
  ScriptedApiServer,
  answerClosedWatch,
  answerList,
  answerStatus,
  answerWatch,
  type ScriptedAnswer,
  type ScriptedKind,
  type ScriptedRequest,
} from './kube/ScriptedApiServer';
export { startTcpProxy, type TcpProxy } from './kube/startTcpProxy';
export {
  EngineOperatorStandIn,
  STAND_IN_FIELD_MANAGER,
  STAND_IN_KINDS,
  standInObjects,
  standInStatus,
  type EngineOperatorStandInOptions,
  type EnginePhase,
} from './loop/EngineOperatorStandIn';
export {
  startPopOperator,
  type PopOperator,
  type PopOperatorOptions,
} from './loop/startPopOperator';
export { WholeLoop, type LoopPop } from './loop/WholeLoop';
export { loadPrometheusRules, routeAlertsTo } from './prometheus/alerting';
export { repoRoot } from './repoRoot';
export { restartService, takeKafkaTurn } from './restartService';
export { serviceEnv } from './serviceEnv';
export { serviceMarkers, type ServiceName } from './services';
export { withTestPostgres } from './withTestPostgres';
