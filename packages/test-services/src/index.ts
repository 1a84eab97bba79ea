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
export { describeWithServices } from './describeWithServices';
export { eventually } from './eventually';
export { loadCrds, sharedDir, type CrdFile } from './kube/crdFiles';
export { installCrds } from './kube/installCrds';
export { kubeConfigFrom } from './kube/kubeConfig';
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
export { repoRoot } from './repoRoot';
export { serviceEnv } from './serviceEnv';
export { serviceMarkers, type ServiceName } from './services';
export { withTestPostgres } from './withTestPostgres';
