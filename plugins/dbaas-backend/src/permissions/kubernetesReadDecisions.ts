import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import type { PluginDecision, PluginDecisions } from './PluginDecision';

const allow: PluginDecision = () => ({ result: AuthorizeResult.ALLOW });

/**
 * `kubernetes.resources.read` and `kubernetes.clusters.read`: allowed to every
 * signed-in user, for the database entity page's Kubernetes tab.
 *
 * Reading resources is safe to allow because the Kubernetes backend
 * (@backstage/plugin-kubernetes-backend 0.21: `POST /services/:serviceId` and
 * `POST /resources/{workloads,custom}/query`) fetches the entity from the
 * catalog with the caller's credentials, refuses one the caller may not read,
 * and looks objects up by the catalog's copy of its
 * `backstage.io/kubernetes-*` annotations, never the caller's. So a user sees
 * the objects of exactly the databases the catalog shows them, which
 * catalogEntityReadDecision limits to their tenants. This relies on users not
 * being able to put their own entities, with annotations naming another
 * tenant's namespace, into the catalog (registration is for platform admins).
 *
 * Reading clusters lists the clusters' names, titles, dashboard URLs and auth
 * provider names, no credentials; the tab needs it to pick the auth flow.
 */
export const kubernetesReadDecisions: PluginDecisions = {
  [kubernetesResourcesReadPermission.name]: allow,
  [kubernetesClustersReadPermission.name]: allow,
};
