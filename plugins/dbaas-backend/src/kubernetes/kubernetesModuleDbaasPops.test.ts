import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { describeWithServices, kubeConfigFrom } from '@internal/test-services';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { CatalogPopDirectory } from '../pops/CatalogPopDirectory';
import { PopClusters } from '../pops/PopClusters';
import { PopClusterSupplier } from './PopClusterSupplier';
import { kubernetesModuleDbaasPops } from './kubernetesModuleDbaasPops';

jest.setTimeout(60_000);

const [frankfurt, lagos, singapore] = ['frankfurt', 'lagos', 'singapore'].map(
  id => examplePops.find(pop => pop.id === id)!,
);

describeWithServices(
  ['kube'],
  'the Kubernetes plugin’s clusters, from the PoPs',
  env => {
    let tokenDirectory: string;
    beforeAll(() => {
      tokenDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-pops-'));
    });
    afterAll(() => fs.rmSync(tokenDirectory, { recursive: true, force: true }));

    it('lists the PoPs it can reach, titled, and no configured cluster that is no PoP', async () => {
      const caData = kubeConfigFrom(env).getCurrentCluster()!.caData!;
      const address = {
        'kubernetes.io/api-server': env.DBAAS_KUBE_API_URL,
        'kubernetes.io/api-server-certificate-authority': caData,
      };
      // Lagos has an address and a token; Singapore an address and no token
      // yet; Frankfurt is the configured cluster of its name.
      fs.writeFileSync(
        path.join(tokenDirectory, 'lagos'),
        env.DBAAS_KUBE_TOKEN,
      );
      const backend = await startTestBackend({
        features: [
          kubernetesPlugin,
          kubernetesModuleDbaasPops,
          catalogServiceMock.factory({
            entities: [
              popEntity(lagos, { annotations: address }) as Entity,
              popEntity(singapore, { annotations: address }) as Entity,
              popEntity(frankfurt) as Entity,
            ],
          }),
          mockServices.rootConfig.factory({
            data: {
              dbaas: {
                pops: { tokenDirectory },
                permissions: { platformAdmins: ['group:default/platform'] },
              },
              kubernetes: {
                serviceLocatorMethod: { type: 'multiTenant' },
                clusterLocatorMethods: [
                  {
                    type: 'config',
                    clusters: [
                      {
                        name: 'frankfurt',
                        url: env.DBAAS_KUBE_API_URL,
                        authProvider: 'serviceAccount',
                        serviceAccountToken: env.DBAAS_KUBE_TOKEN,
                        caData,
                      },
                      // Not a PoP: not shown.
                      {
                        name: 'management',
                        url: env.DBAAS_KUBE_API_URL,
                        authProvider: 'serviceAccount',
                        serviceAccountToken: env.DBAAS_KUBE_TOKEN,
                        caData,
                      },
                    ],
                  },
                ],
              },
            },
          }),
        ],
      });
      const { server } = backend;
      try {
        const clusters = await request(server).get('/api/kubernetes/clusters');
        expect(clusters.status).toBe(200);
        expect(
          clusters.body.items.map((c: { name: string; title?: string }) => [
            c.name,
            c.title,
          ]),
        ).toEqual([
          ['frankfurt', 'Frankfurt'],
          ['lagos', 'Lagos'],
        ]);

        // Singapore's token arrives (the Secret gains a key): no restart.
        fs.writeFileSync(
          path.join(tokenDirectory, 'singapore'),
          env.DBAAS_KUBE_TOKEN,
        );
        const later = await request(server).get('/api/kubernetes/clusters');
        expect(later.body.items.map((c: { name: string }) => c.name)).toEqual([
          'frankfurt',
          'lagos',
          'singapore',
        ]);
      } finally {
        await backend.stop();
      }
    });

    it('gives the Kubernetes plugin a cluster the real apiserver accepts, token read from the file', async () => {
      fs.writeFileSync(
        path.join(tokenDirectory, 'lagos'),
        env.DBAAS_KUBE_TOKEN,
      );
      const caData = kubeConfigFrom(env).getCurrentCluster()!.caData!;
      const pops = new CatalogPopDirectory({
        catalog: catalogServiceMock({
          entities: [
            popEntity(lagos, {
              annotations: {
                'kubernetes.io/api-server': env.DBAAS_KUBE_API_URL,
                'kubernetes.io/api-server-certificate-authority': caData,
              },
            }) as Entity,
          ],
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        platformAdmins: ['group:default/platform'],
      });
      const supplier = new PopClusterSupplier(
        { getClusters: async () => [] },
        pops,
        new PopClusters([], [], tokenDirectory),
      );
      const [cluster] = await supplier.getClusters({
        credentials: mockCredentials.none(),
      });
      expect(cluster).toMatchObject({
        name: 'lagos',
        title: 'Lagos',
        url: env.DBAAS_KUBE_API_URL,
        authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
      });

      // What the plugin's fetcher does with it (which itself cannot run under
      // Jest: it imports modules dynamically).
      const kc = new KubeConfig();
      kc.loadFromClusterAndUser(
        {
          name: 'lagos',
          server: cluster.url,
          caData: cluster.caData,
          skipTLSVerify: false,
        },
        {
          name: 'lagos',
          token: cluster.authMetadata.serviceAccountToken,
        },
      );
      const namespace = await kc
        .makeApiClient(CoreV1Api)
        .readNamespace({ name: 'default' });
      expect(namespace.metadata?.name).toBe('default');
    });
  },
);
