import type { kubeConfigFrom } from '@internal/test-services';
import https from 'node:https';

type KubeConfig = ReturnType<typeof kubeConfigFrom>;

/** A ServiceClaim as the apiserver returns it, as far as the tests read it. */
export type ServiceClaimObject = {
  metadata: {
    name: string;
    generation: number;
    labels?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/**
 * The ServiceClaims of one namespace, through the apiserver's REST API with the
 * kubeconfig's credentials. Requests are made with node:https because this
 * package does not depend on `@kubernetes/client-node`.
 */
export function serviceClaimsIn(kc: KubeConfig, namespace: string) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster');
  const base = `${cluster.server}/apis/dbaas.io/v1alpha1/namespaces/${namespace}/serviceclaims`;

  async function call(
    method: string,
    url: string,
    body?: { contentType: string; value: unknown },
  ): Promise<{ status: number; body: any }> {
    const options: https.RequestOptions = { method, headers: {} };
    await kc.applyToHTTPSOptions(options);
    const payload = body ? JSON.stringify(body.value) : undefined;
    if (body) {
      options.headers = {
        ...options.headers,
        'Content-Type': body.contentType,
      };
    }
    return new Promise((resolve, reject) => {
      const req = https.request(url, options, res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: kept as text for the error message.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  const ok = (what: string, response: { status: number; body: any }) => {
    if (response.status >= 300) {
      throw new Error(
        `${what}: HTTP ${response.status} ${
          response.body?.message ?? JSON.stringify(response.body)
        }`,
      );
    }
    return response.body;
  };

  return {
    /** The claim, or undefined while there is none of that name. */
    async get(name: string): Promise<ServiceClaimObject | undefined> {
      const response = await call('GET', `${base}/${name}`);
      if (response.status === 404) return undefined;
      return ok(`Reading ServiceClaim ${namespace}/${name}`, response);
    },

    /** Sets the status subresource, as the operator does. */
    async setStatus(name: string, status: object): Promise<void> {
      ok(
        `Setting the status of ServiceClaim ${namespace}/${name}`,
        await call('PATCH', `${base}/${name}/status`, {
          contentType: 'application/json-patch+json',
          value: [{ op: 'add', path: '/status', value: status }],
        }),
      );
    },

    async deleteAll(): Promise<void> {
      ok(
        `Deleting the ServiceClaims of ${namespace}`,
        await call('DELETE', base),
      );
    },
  };
}
