import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  dbaasOrganizationResourceRef,
  dbaasServiceResourceRef,
} from './resources';
import { organizationHasRole, serviceHasRole } from './rules';

const serviceExports = createConditionExports({
  resourceRef: dbaasServiceResourceRef,
  rules: { hasRole: serviceHasRole },
});

const organizationExports = createConditionExports({
  resourceRef: dbaasOrganizationResourceRef,
  rules: { hasRole: organizationHasRole },
});

/**
 * Conditions a permission policy can return for DBaaS databases.
 * @public
 */
export const dbaasServiceConditions = serviceExports.conditions;

/** @public */
export const createDbaasServiceConditionalDecision =
  serviceExports.createConditionalDecision;

/**
 * Conditions a permission policy can return for DBaaS organizations.
 * @public
 */
export const dbaasOrganizationConditions = organizationExports.conditions;

/** @public */
export const createDbaasOrganizationConditionalDecision =
  organizationExports.createConditionalDecision;
