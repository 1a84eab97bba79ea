import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { CatalogPopDirectory } from './CatalogPopDirectory';

const [ashburn, frankfurt, johannesburg, lagos] = [
  'ashburn',
  'frankfurt',
  'johannesburg',
  'lagos',
].map(id => examplePops.find(pop => pop.id === id)!);

const ADMINS = ['group:default/platform'];

function directoryOn(entities: Entity[], options: { now?: () => number } = {}) {
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({ entities });
  const directory = new CatalogPopDirectory({
    catalog,
    auth: mockServices.auth(),
    logger,
    platformAdmins: ADMINS,
    ...options,
  });
  return { directory, logger, catalog };
}

describe('CatalogPopDirectory', () => {
  it('lists the PoP entities the platform team owns, by id', async () => {
    const { directory } = directoryOn([
      popEntity(lagos) as Entity,
      popEntity(frankfurt, { owner: 'platform' }) as Entity,
      popEntity(ashburn, { owner: 'Group:default/Platform' }) as Entity,
    ]);
    expect(await directory.listPops()).toEqual([ashburn, frankfurt, lagos]);
  });

  it('ignores, with a warning, a PoP a tenant team owns, a broken one and a second one of the same id', async () => {
    const forged = popEntity(
      { ...johannesburg, id: 'attacker' },
      { owner: 'group:default/payments' },
    ) as Entity;
    const broken = popEntity(frankfurt) as Entity;
    delete (broken.spec as { pop?: unknown }).pop;
    const twin = {
      ...(popEntity(lagos) as Entity),
      metadata: {
        ...popEntity(lagos).metadata,
        namespace: 'other',
      },
    };
    const { directory, logger } = directoryOn([
      popEntity(lagos) as Entity,
      forged,
      broken,
      twin,
    ]);

    expect(await directory.listPops()).toEqual([lagos]);
    const warnings = logger.warn.mock.calls.map(([message]) => message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'Ignoring PoP resource:default/attacker: its owner group:default/payments is not a platform admin group (dbaas.permissions.platformAdmins)',
        expect.stringMatching(/^Ignoring PoP resource:default\/frankfurt: /),
        'Ignoring PoP resource:other/lagos: PoP lagos is described by another entity too',
      ]),
    );
    // Reported once, not on every read.
    await directory.listPops();
    expect(logger.warn).toHaveBeenCalledTimes(warnings.length);
  });

  it('reads again at once while it has found no PoP, and behind the answer once its list is old', async () => {
    let now = 0;
    const entities: Entity[] = [];
    const getEntities = jest.fn(async () => ({ items: [...entities] }));
    const directory = new CatalogPopDirectory({
      catalog: catalogServiceMock.mock({ getEntities }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      platformAdmins: ADMINS,
      maxAgeMs: 1_000,
      now: () => now,
    });

    // A catalog that has not read its locations yet.
    expect(await directory.listPops()).toEqual([]);
    entities.push(popEntity(lagos) as Entity);
    expect(await directory.listPops()).toEqual([lagos]);
    expect(getEntities).toHaveBeenCalledTimes(2);

    entities.push(popEntity(ashburn) as Entity);
    now = 500;
    expect(await directory.listPops()).toEqual([lagos]);
    expect(getEntities).toHaveBeenCalledTimes(2);
    now = 1_501;
    // The old list answers; the read behind it brings the new PoP.
    expect(await directory.listPops()).toEqual([lagos]);
    await new Promise(resolve => setImmediate(resolve));
    expect(await directory.listPops()).toEqual([ashburn, lagos]);
  });
});
