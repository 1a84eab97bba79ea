import type { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { dbaasPlugin } from './plugin';

const entity = (kind: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'checkout.orders' },
  spec: { type },
});

const cards = [
  'entity-card:dbaas/database-status',
  'entity-card:dbaas/database-connection',
  'entity-card:dbaas/database-dependents',
] as const;
const tabs = [
  'entity-content:dbaas/backups',
  'entity-content:dbaas/cdc',
  'entity-content:dbaas/metrics',
] as const;

describe('the database entity page extensions', () => {
  it.each(cards)('%s shows on database Resources only', id => {
    const filter = createExtensionTester(dbaasPlugin.getExtension(id)).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;

    expect(filter(entity('Resource', 'database'))).toBe(true);
    expect(filter(entity('Resource', 's3-bucket'))).toBe(false);
    expect(filter(entity('Component', 'database'))).toBe(false);
  });

  it.each(tabs)('%s shows on database Resources only', id => {
    const tester = createExtensionTester(dbaasPlugin.getExtension(id));
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;

    expect(filter(entity('Resource', 'database'))).toBe(true);
    expect(filter(entity('Resource', 's3-bucket'))).toBe(false);
    expect(filter(entity('Component', 'database'))).toBe(false);
  });

  it('names the tabs Backups, CDC and Metrics', () => {
    expect(
      tabs.map(id =>
        createExtensionTester(dbaasPlugin.getExtension(id)).get(
          EntityContentBlueprint.dataRefs.title,
        ),
      ),
    ).toEqual(['Backups', 'CDC', 'Metrics']);
  });
});
