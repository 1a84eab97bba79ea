import type { GroupEntity } from '@backstage/catalog-model';
import { keycloakGroupTransformer } from './keycloakGroupTransformer';

/** The entity the Keycloak module makes of a group before any transformer. */
function parsed(name: string, parent?: string): GroupEntity {
  return {
    apiVersion: 'backstage.io/v1beta1',
    kind: 'Group',
    metadata: {
      name,
      annotations: { 'keycloak.org/id': `${name}-id` },
    },
    spec: {
      type: 'group',
      profile: { displayName: name },
      children: [],
      parent,
    },
  };
}

describe('keycloakGroupTransformer', () => {
  it('makes a group with dbaas-type organization an organization, with its title', async () => {
    const entity = await keycloakGroupTransformer(
      parsed('dbaas-org'),
      {
        name: 'dbaas-org',
        attributes: {
          'dbaas-type': ['organization'],
          'dbaas-title': ['DBaaS customers'],
        },
      },
      'dbaas',
    );
    expect(entity?.spec.type).toBe('organization');
    expect(entity?.metadata.title).toBe('DBaaS customers');
    expect(entity?.spec.profile?.displayName).toBe('DBaaS customers');
  });

  it('makes a group below another a team, keeping its parent', async () => {
    const entity = await keycloakGroupTransformer(
      parsed('payments', 'dbaas-org'),
      {
        name: 'payments',
        parentId: 'dbaas-org-id',
        attributes: { 'dbaas-title': ['Payments'] },
      } as any,
      'dbaas',
    );
    expect(entity?.spec).toMatchObject({ type: 'team', parent: 'dbaas-org' });
    expect(entity?.metadata.title).toBe('Payments');
  });

  it('leaves a top-level group without the attribute a plain group: its place does not make it an organization', async () => {
    const entity = await keycloakGroupTransformer(
      parsed('admins'),
      { name: 'admins', attributes: { 'dbaas-type': ['team'] } },
      'dbaas',
    );
    expect(entity?.spec.type).toBe('group');
    expect(entity?.metadata.title).toBeUndefined();
  });

  it('gives a name the catalog refuses a valid one, as the module does by default', async () => {
    const entity = await keycloakGroupTransformer(
      parsed('Data Platform/EU', 'dbaas-org'),
      { name: 'Data Platform/EU', parentId: 'x' } as any,
      'dbaas',
    );
    expect(entity?.metadata.name).toBe('Data-Platform-EU');
  });
});
