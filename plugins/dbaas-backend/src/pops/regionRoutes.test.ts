import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';
const frankfurt = examplePops.find(pop => pop.id === 'frankfurt')!;

describe('regions from the catalog’s PoP entities', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  afterEach(() => backend.stop());

  const order = (region: string) =>
    request(backend.server)
      .post('/api/dbaas/v1/services')
      .set('Authorization', backend.as(ADA))
      .send({
        name: `orders-${region}`,
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region,
      });

  it('lists the PoPs and offers their SKUs, a new one included, and ignores one a tenant team owns', async () => {
    backend = await startDbaasBackend({
      groups: [
        // Added by the platform team: a PoP with no release.
        popEntity({
          ...frankfurt,
          id: 'nairobi',
          displayName: 'Nairobi',
        }) as Entity,
        // A tenant team's Resource claiming to be a PoP.
        popEntity(
          { ...frankfurt, id: 'evil', displayName: 'Evil' },
          { owner: PAYMENTS },
        ) as Entity,
      ],
    });

    const regions = await request(backend.server)
      .get('/api/dbaas/v1/catalog/regions')
      .set('Authorization', backend.as(ADA));
    expect(regions.status).toBe(200);
    expect(regions.body.items.map((r: { id: string }) => r.id)).toEqual([
      'ashburn',
      'frankfurt',
      'johannesburg',
      'lagos',
      'nairobi',
      'singapore',
    ]);
    expect(regions.body.items[1]).toEqual(frankfurt);

    const skus = await request(backend.server)
      .get('/api/dbaas/v1/catalog/skus?region=nairobi&engine=postgresql')
      .set('Authorization', backend.as(ADA));
    expect(skus.status).toBe(200);
    expect(skus.body.items.length).toBeGreaterThan(0);

    expect((await order('nairobi')).status).toBe(201);

    const refused = await order('evil');
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.field).toBe('region');

    const filtered = await request(backend.server)
      .get('/api/dbaas/v1/catalog/skus?region=evil')
      .set('Authorization', backend.as(ADA));
    expect(filtered.status).toBe(400);
    expect(filtered.body.error.message).toContain(
      'evil is not a region of the catalog (ashburn, frankfurt, johannesburg, lagos, nairobi, singapore)',
    );
  });

  it('answers an anonymous caller 401', async () => {
    backend = await startDbaasBackend();
    const response = await request(backend.server).get(
      '/api/dbaas/v1/catalog/regions',
    );
    expect(response.status).toBe(401);
  });
});
