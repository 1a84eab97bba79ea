import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { platformAdminsOnly, type PluginDecisions } from './PluginDecision';

/**
 * `kubernetes.proxy`: platform admins only. The proxy forwards any request to
 * any configured cluster with the portal's own service account token, so it is
 * not limited to the caller's tenant namespace: letting a user through would
 * let them read every tenant's Secrets (the databases' credentials) and change
 * any engine resource. No plugin of the portal calls it with its own
 * credentials, so a caller without a user is refused too. The entity page's
 * Kubernetes tab loses pod logs for ordinary users; its objects still show
 * (see kubernetesReadDecisions).
 */
export const kubernetesProxyDecisions: PluginDecisions = {
  [kubernetesProxyPermission.name]: platformAdminsOnly,
};
