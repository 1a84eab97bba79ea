import type {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  entityRefSchema,
  formatZodError,
  organizationRefSchema,
  type RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import { z } from 'zod';
import type { AuditTrail } from '../audit/AuditTrail';
import type { GrantStore } from '../database/GrantStore';
import type { Caller } from '../router/requestContext';

/** Who the audit log names for the grants config makes. */
export const INITIAL_OWNERS_ACTOR = 'dbaas:initial-owners';

const KEY = 'dbaas.permissions.initialOwners';

const initialOwnersSchema = z.array(
  z
    .object({
      organization: organizationRefSchema,
      owners: z.array(entityRefSchema).min(1),
    })
    .strict(),
);

/** `dbaas.permissions.initialOwners`; throws naming the key when it is not one. */
export function readInitialOwners(
  config: RootConfigService,
): z.infer<typeof initialOwnersSchema> {
  const raw = config.getOptional(KEY);
  if (raw === undefined) return [];
  const result = initialOwnersSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `Invalid config: ${KEY} must list organizations with their owners, such as [{ organization: group:default/acme, owners: [user:default/ada] }]: ${formatZodError(
        result.error,
      )}`,
    );
  }
  return result.data;
}

/**
 * Gives each organization config names that has no org-owner its first
 * owners, as grants through the store (audited as `member.grant` by
 * INITIAL_OWNERS_ACTOR), so that someone can manage it without a platform
 * admin. An organization that has an owner is left alone: from then on its
 * owners decide. Backends starting together may both grant the same owners;
 * the grants merge and the audit log shows both.
 */
export async function grantInitialOwners(deps: {
  config: RootConfigService;
  grants: GrantStore;
  audit: AuditTrail;
  auth: AuthService;
  logger: LoggerService;
}): Promise<void> {
  const entries = readInitialOwners(deps.config);
  if (entries.length === 0) return;
  const caller: Caller = {
    actor: INITIAL_OWNERS_ACTOR,
    credentials: await deps.auth.getOwnServiceCredentials(),
    requestId: 'initial-owners',
  };
  for (const { organization, owners } of entries) {
    const held = await deps.grants.listForOrganization(organization);
    if (held.some(g => g.role === 'org-owner' && !g.tenant)) continue;
    for (const principal of owners) {
      await deps.audit.record<RoleGrant>(
        undefined,
        caller,
        {
          action: 'member.grant',
          tenant: organization,
          organization,
          resourceType: 'role-grant',
          resourceId: principal,
          details: () => ({ role: 'org-owner', scope: organization }),
        },
        recordAudit =>
          deps.grants.grant(
            {
              organization,
              scope: organization,
              principal,
              role: 'org-owner',
              grantedBy: INITIAL_OWNERS_ACTOR,
            },
            recordAudit,
          ),
      );
    }
    deps.logger.info(
      `Made ${owners.join(
        ', ',
      )} the first org-owners of ${organization} (${KEY})`,
    );
  }
}
