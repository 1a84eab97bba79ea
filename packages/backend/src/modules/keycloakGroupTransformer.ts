import type { GroupEntity } from '@backstage/catalog-model';
import {
  sanitizeGroupNameTransformer,
  type GroupRepresentationWithParent,
  type GroupTransformer,
} from '@backstage-community/plugin-catalog-backend-module-keycloak';

/**
 * The Keycloak group attribute that makes a group an organization: `dbaas-type`
 * with the value `organization`.
 */
export const KEYCLOAK_TYPE_ATTRIBUTE = 'dbaas-type';
/** The Keycloak group attribute with the group's title in the portal. */
export const KEYCLOAK_TITLE_ATTRIBUTE = 'dbaas-title';

/**
 * Turns a group of the realm into the catalog Group the tenancy reads
 * (docs/keycloak.md): a group with the attribute `dbaas-type: organization` is
 * an organization (Group of type `organization`), every group below another is
 * a team (type `team`); a tenant is a team below an organization, its parent
 * set by the module from the Keycloak hierarchy. Any other top-level group
 * stays a plain `group` and is no organization: an attribute only a realm
 * admin can set decides, not where a group sits.
 *
 * Names are sanitized as the module's default transformer does, so a tenant's
 * slug (derived from its entity name) is the Keycloak group's name wherever
 * that name is already a valid one.
 */
export const keycloakGroupTransformer: GroupTransformer = async (
  entity,
  group,
  realm,
) => {
  const sanitized = await sanitizeGroupNameTransformer(entity, group, realm);
  if (!sanitized) {
    return undefined;
  }
  const attribute = (name: string) => group.attributes?.[name]?.[0];
  const { parentId, parent } = group as GroupRepresentationWithParent;
  let type = sanitized.spec.type;
  if (attribute(KEYCLOAK_TYPE_ATTRIBUTE) === 'organization') {
    type = 'organization';
  } else if (parentId || parent) {
    type = 'team';
  }
  const title = attribute(KEYCLOAK_TITLE_ATTRIBUTE);
  const result: GroupEntity = {
    ...sanitized,
    metadata: { ...sanitized.metadata, ...(title ? { title } : {}) },
    spec: {
      ...sanitized.spec,
      type,
      profile: {
        ...sanitized.spec.profile,
        ...(title ? { displayName: title } : {}),
      },
    },
  };
  return result;
};
