import {
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { abortable } from './abortable';
import { makeApiClient } from './makeApiClient';

// Objects per page of a list: no answer carries a whole large kind.
const LIST_PAGE_SIZE = 500;

/** One page of a list, as the apiserver sent it. */
export type ListPage<T> = {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
};

/**
 * client-node's generic object client, with the discovery it already does
 * (kind → resource path) made usable for watches, which take a path, and a list
 * that pages.
 */
export class ObjectApi extends KubernetesObjectApi {
  private custom?: CustomObjectsApi;

  /** The client for `kc`, reusing connections, with the context's namespace as default. */
  static fromKubeConfig(kc: KubeConfig): ObjectApi {
    const api = makeApiClient(kc, ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  /**
   * The path of the kind's collection across all namespaces (or in
   * `namespace`), e.g. `/apis/postgresql.cnpg.io/v1/clusters`; undefined when
   * the apiserver does not serve the kind (its CRD is not installed).
   */
  async collectionPath(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<string | undefined> {
    try {
      if (!(await this.resource(apiVersion, kind))) return undefined;
    } catch (error) {
      // Discovery answers 404 for a group/version nobody serves.
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
    return this.specUriPath(
      { apiVersion, kind, metadata: namespace ? { namespace } : {} },
      'list',
    );
  }

  /**
   * Every object of the kind (in `namespace`, or in all namespaces), read page
   * by page so that a kind with many objects never comes in one answer, and the
   * list's resourceVersion, from which a watch carries on.
   */
  async listAll<T extends KubernetesObject = KubernetesObject>(
    apiVersion: string,
    kind: string,
    options: {
      namespace?: string;
      labelSelector?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await this.listPage<T>(apiVersion, kind, {
        ...options,
        limit: LIST_PAGE_SIZE,
        continueToken,
      });
      items.push(...page.items);
      resourceVersion = page.metadata.resourceVersion ?? '';
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  /**
   * One page of the kind's objects (in `namespace`, or in all namespaces), as
   * the apiserver sent it. Not `list()`: client-node reads every response of
   * this client into its KubernetesObject model, whose metadata is an
   * ObjectMeta, so a list loses its `continue` token and a paged list silently
   * ended after its first page. The custom-objects client returns the JSON as
   * it is; it serves any kind in an API group. The core group's kinds are
   * listed whole instead.
   */
  async listPage<T extends KubernetesObject = KubernetesObject>(
    apiVersion: string,
    kind: string,
    options: {
      namespace?: string;
      labelSelector?: string;
      limit?: number;
      continueToken?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<ListPage<T>> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource) {
      throw Object.assign(
        new Error(`The apiserver does not serve ${kind}.${apiVersion}`),
        { code: 404 },
      );
    }
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['', apiVersion];
    if (!group) {
      const list = await this.list<T>(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      );
      return {
        items: list.items,
        metadata: { resourceVersion: list.metadata?.resourceVersion },
      };
    }
    this.custom ??= new CustomObjectsApi(this.configuration);
    const params = {
      group,
      version,
      plural: resource.name,
      labelSelector: options.labelSelector,
      limit: options.limit,
      _continue: options.continueToken,
    };
    return (await (options.namespace
      ? this.custom.listNamespacedCustomObject(
          { ...params, namespace: options.namespace },
          abortable(options.signal),
        )
      : this.custom.listCustomObjectForAllNamespaces(
          params,
          abortable(options.signal),
        ))) as ListPage<T>;
  }
}
