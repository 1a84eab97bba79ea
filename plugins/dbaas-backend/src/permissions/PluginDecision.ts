import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** What a decision about another plugin's permission knows of the caller. */
export type DecisionContext = {
  request: PolicyQuery;
  /** Undefined for a backend plugin calling with its own credentials. */
  user?: PolicyQueryUser;
  /** The user and their groups, lower-cased; empty without a user. */
  principals: string[];
  /** Whether one of the principals is a configured platform admin. */
  isPlatformAdmin: boolean;
};

/**
 * The portal's decision on one permission of another plugin (catalog,
 * scaffolder, Kubernetes, ...). Each is made deliberately, with its reason in
 * the file that makes it and a test beside it; docs/security.md lists them.
 */
export type PluginDecision = (
  context: DecisionContext,
) => PolicyDecision | Promise<PolicyDecision>;

/** Decisions by permission name. */
export type PluginDecisions = Record<string, PluginDecision>;

/** Platform admins only: every other user, and a caller without a user, is refused. */
export const platformAdminsOnly: PluginDecision = ({ isPlatformAdmin }) => ({
  result: isPlatformAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
});

/** Platform admins, and backend plugins calling with their own credentials. */
export const platformAdminsAndPlugins: PluginDecision = ({
  user,
  isPlatformAdmin,
}) => ({
  result:
    !user || isPlatformAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
});
