import { skuCatalog } from '../catalog/skuCatalog';
import { claimRuleIssues } from './claimRules';
import { serviceClaimSpecShape } from './serviceClaimSpec';

/**
 * A ServiceClaim spec with every rule applied: the one validation the API, the
 * scaffolder actions and the operator use. Failures name the field and the rule.
 * @public
 */
export const serviceClaimSpecSchema = serviceClaimSpecShape.superRefine(
  (spec, ctx) => {
    // zod runs refinements even when the shape failed; the rules need a whole spec.
    if (!serviceClaimSpecShape.safeParse(spec).success) {
      return;
    }
    for (const issue of claimRuleIssues(spec, skuCatalog)) {
      ctx.addIssue({
        code: 'custom',
        path: issue.path,
        message: issue.message,
      });
    }
  },
);
