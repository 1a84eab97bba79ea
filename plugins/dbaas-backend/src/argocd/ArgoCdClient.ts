import type { KubeConfig } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import { ObjectApi } from '@internal/backstage-plugin-dbaas-node';

/** Argo CD's API group and version of Applications and ApplicationSets. */
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * The ApplicationSet that makes the tenants' Applications
 * (`argocd/applicationset.yaml` of gitops/gitopsLayout.ts).
 */
export const TENANTS_APPLICATION_SET = 'dbaas-tenants';

/**
 * The Application that syncs `argocd/` of the repository, where a new
 * tenant's project arrives (`argocd/bootstrap.yaml` of gitops/gitopsLayout.ts).
 */
export const LAYOUT_APPLICATION = 'dbaas-argocd';

// Argo CD's documented refresh annotations (Argo CD 3.6:
// pkg/apis/application/v1alpha1/application_annotations.go, common/common.go).
// The controller compares the Application with the latest revision of its
// source and removes both; a new timestamp keeps a request made while an
// earlier refresh runs from being removed with it.
const REFRESH = 'argocd.argoproj.io/refresh';
const REFRESH_TIMESTAMP = 'argocd.argoproj.io/refresh-timestamp';
// The ApplicationSet controller runs its generators again (the git generator
// then finds new tenant folders) and removes it.
const APPLICATION_SET_REFRESH = 'argocd.argoproj.io/application-set-refresh';

const FIELD_MANAGER = 'dbaas-portal';

/**
 * The portal's one client of the cluster Argo CD runs on
 * (`dbaas.gitops.argocd`): asks for refreshes, and lists and watches the
 * tenants' Applications, all in Argo CD's namespace.
 */
export class ArgoCdClient {
  readonly objects: ObjectApi;

  constructor(
    readonly kubeConfig: KubeConfig,
    /** Argo CD's namespace, where its Applications and ApplicationSets are. */
    readonly namespace: string,
  ) {
    this.objects = ObjectApi.fromKubeConfig(kubeConfig);
  }

  /**
   * The tenant's Applications, each with the revision Argo CD last compared
   * it with (`status.sync.revision`; undefined before its first comparison)
   * and whether the cluster matched that revision then (`Synced`).
   */
  async tenantApplications(
    tenant: string,
  ): Promise<{ name: string; revision?: string; synced: boolean }[]> {
    const { items } = await this.objects.listAll(
      ARGOCD_API_VERSION,
      'Application',
      {
        namespace: this.namespace,
        labelSelector: `${DBAAS_LABELS.tenant}=${tenant}`,
      },
    );
    return items.map(app => {
      const { sync } =
        (app as { status?: { sync?: { revision?: string; status?: string } } })
          .status ?? {};
      return {
        name: app.metadata!.name!,
        revision: sync?.revision,
        synced: sync?.status === 'Synced',
      };
    });
  }

  /** Asks Argo CD to compare one Application with its source's latest revision now. */
  async refreshApplication(name: string): Promise<void> {
    await this.annotate('Application', name, {
      [REFRESH]: 'normal',
      [REFRESH_TIMESTAMP]: new Date().toISOString(),
    });
  }

  /** Whether the AppProject exists (Argo CD has synced it from `argocd/`). */
  async hasProject(name: string): Promise<boolean> {
    try {
      await this.objects.read({
        apiVersion: ARGOCD_API_VERSION,
        kind: 'AppProject',
        metadata: { name, namespace: this.namespace },
      });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  }

  /** Asks the ApplicationSet controller to run the set's generators now. */
  async refreshApplicationSet(name: string): Promise<void> {
    await this.annotate('ApplicationSet', name, {
      [APPLICATION_SET_REFRESH]: 'true',
    });
  }

  private async annotate(
    kind: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void> {
    await this.objects.patch(
      {
        apiVersion: ARGOCD_API_VERSION,
        kind,
        metadata: { name, namespace: this.namespace, annotations },
      },
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  }
}
