import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { KubeConfig } from '@kubernetes/client-node';
import { clustersFromConfig, kubeConfigFor } from './clustersFromConfig';

async function authorizationOf(kc: KubeConfig) {
  const request: { headers: Record<string, string> } = { headers: {} };
  await kc.applyToHTTPSOptions(request);
  return request.headers.Authorization;
}

const config = (clusterLocatorMethods: any[]) =>
  mockServices.rootConfig({ data: { kubernetes: { clusterLocatorMethods } } });

describe('clustersFromConfig', () => {
  const noTokenFile = { inClusterTokenFile: '/nonexistent/token' };

  it('reads the service-account clusters of every config locator', () => {
    const { clusters, skipped } = clustersFromConfig(
      config([
        {
          type: 'config',
          clusters: [
            {
              name: 'pop-lagos',
              url: 'https://lagos.example:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'token-lagos',
              caData: 'Q0E=',
            },
          ],
        },
        { type: 'catalog' },
        {
          type: 'config',
          clusters: [
            {
              name: 'pop-singapore',
              url: 'https://singapore.example:6443',
              authMetadata: {
                'kubernetes.io/auth-provider': 'serviceAccount',
                serviceAccountToken: 'token-singapore',
              },
              skipTLSVerify: true,
            },
          ],
        },
      ]),
      noTokenFile,
    );
    expect(skipped).toEqual([]);
    expect(clusters).toEqual([
      {
        name: 'pop-lagos',
        url: 'https://lagos.example:6443',
        token: 'token-lagos',
        skipTLSVerify: false,
        caData: 'Q0E=',
        caFile: undefined,
      },
      {
        name: 'pop-singapore',
        url: 'https://singapore.example:6443',
        token: 'token-singapore',
        skipTLSVerify: true,
        caData: undefined,
        caFile: undefined,
      },
    ]);
  });

  it('skips clusters whose auth acts for a user, or that have no token to use', () => {
    const { clusters, skipped } = clustersFromConfig(
      config([
        {
          type: 'config',
          clusters: [
            { name: 'gke', url: 'https://gke.example', authProvider: 'google' },
            {
              name: 'no-token',
              url: 'https://no-token.example',
              authProvider: 'serviceAccount',
            },
          ],
        },
      ]),
      noTokenFile,
    );
    expect(clusters).toEqual([]);
    expect(skipped).toEqual([
      { name: 'gke', reason: expect.stringContaining('auth provider google') },
      {
        name: 'no-token',
        reason: expect.stringContaining('no serviceAccountToken'),
      },
    ]);
  });

  it("uses the pod's service account token when none is configured", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-sa-'));
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'pod-token');
    try {
      const { clusters } = clustersFromConfig(
        config([
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: 'https://kubernetes.default.svc',
                authProvider: 'serviceAccount',
              },
            ],
          },
        ]),
        { inClusterTokenFile: tokenFile },
      );
      expect(clusters).toMatchObject([{ name: 'local', tokenFile }]);

      // The request carries the file's token.
      expect(await authorizationOf(kubeConfigFor(clusters[0]))).toBe(
        'Bearer pod-token',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is empty without Kubernetes config', () => {
    expect(clustersFromConfig(mockServices.rootConfig({ data: {} }))).toEqual({
      clusters: [],
      skipped: [],
    });
  });
});

describe('kubeConfigFor', () => {
  it('points at the cluster with its token and TLS settings', async () => {
    const kc = kubeConfigFor({
      name: 'pop-lagos',
      url: 'https://lagos.example:6443',
      token: 'token-lagos',
      skipTLSVerify: true,
    });
    expect(kc.getCurrentCluster()).toMatchObject({
      name: 'pop-lagos',
      server: 'https://lagos.example:6443',
      skipTLSVerify: true,
    });
    expect(await authorizationOf(kc)).toBe('Bearer token-lagos');
  });
});
