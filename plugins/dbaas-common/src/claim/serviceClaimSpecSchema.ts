import { offerings } from '../catalog/skuCatalog';
import { claimRuleIssues } from './claimRules';
import { serviceClaimSpecShape } from './serviceClaimSpec';

function withRules(scope: 'all' | 'runnable') {
  return serviceClaimSpecShape.superRefine((spec, ctx) => {
    // zod runs refinements even when the shape failed; the rules need a whole spec.
    if (!serviceClaimSpecShape.safeParse(spec).success) {
      return;
    }
    for (const issue of claimRuleIssues(spec, offerings, scope)) {
      ctx.addIssue({
        code: 'custom',
        path: issue.path,
        message: issue.message,
      });
    }
  });
}

/**
 * A ServiceClaim spec with every rule applied: the one validation the API and
 * the scaffolder actions use for what they write. Failures name the field and
 * the rule.
 * @public
 */
export const serviceClaimSpecSchema = withRules('all');

/**
 * A ServiceClaim spec the operator can run: the shape and the rules its render
 * needs, not today's offer (claimRuleIssues, scope `runnable`), so retiring a
 * version or tightening a rule never fails a database that is running.
 * @public
 */
export const runnableClaimSpecSchema = withRules('runnable');
