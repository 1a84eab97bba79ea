import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { platformAdminsOnly, type PluginDecisions } from './PluginDecision';

/**
 * Who may register, update and delete catalog locations and create, unregister
 * and delete catalog entities: platform admins only; everyone else, and a
 * caller without a user, is refused.
 *
 * A Group of type team is a tenant with a quota of its own and a User's
 * `keycloak.org/id` and `memberOf` decide who signs in as whom with which
 * roles, so whoever may register a location or delete an entity may make
 * themselves a tenant or an admin, or lock others out. Users, Groups and
 * organizations come from the configured organization sources instead
 * (`catalog.locations`, with their own rules); registering other data is
 * kept for the platform team.
 *
 * A caller without a user gets no more: plugins add entities through entity
 * providers (the DBaaS one included), which these permissions do not gate; the
 * scaffolder's `catalog:register` and the catalog's register and unregister
 * actions (MCP) pass on the initiating user's credentials and get that user's
 * decision. Refusing a bare service caller closes the path where a plugin
 * relays a user's request on its own credentials.
 *
 * The permissions: `catalog.location.create` (also checked on updating a
 * location and on a dry run), `catalog.location.delete`,
 * `catalog.entity.create` and `catalog.entity.delete`.
 */
export const catalogRegistrationDecisions: PluginDecisions = {
  [catalogLocationCreatePermission.name]: platformAdminsOnly,
  [catalogLocationDeletePermission.name]: platformAdminsOnly,
  [catalogEntityCreatePermission.name]: platformAdminsOnly,
  [catalogEntityDeletePermission.name]: platformAdminsOnly,
};
