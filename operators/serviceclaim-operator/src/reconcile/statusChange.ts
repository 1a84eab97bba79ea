import { isDeepStrictEqual } from 'node:util';
import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';

type Condition = NonNullable<ServiceClaimStatus['conditions']>[number];

/**
 * Conditions as they should be written: a condition whose status did not change
 * keeps the lastTransitionTime it has, so that a reconcile that learns nothing
 * new writes nothing (as apimachinery's SetStatusCondition does).
 */
function keepTransitionTimes(
  current: Condition[] | undefined,
  desired: Condition[] | undefined,
): Condition[] | undefined {
  if (!desired) return desired;
  return desired.map(condition => {
    const before = current?.find(c => c.type === condition.type);
    if (before && before.status === condition.status) {
      return before.lastTransitionTime
        ? { ...condition, lastTransitionTime: before.lastTransitionTime }
        : condition;
    }
    return condition;
  });
}

/**
 * The merge patch that turns the claim's `current` status into `desired`, or
 * undefined when they already agree. Fields `desired` drops are sent as null,
 * which is how a merge patch removes them.
 */
export function statusChange(
  current: ServiceClaimStatus | undefined,
  desired: ServiceClaimStatus,
): Record<string, unknown> | undefined {
  const next: ServiceClaimStatus = {
    ...desired,
    ...(desired.conditions
      ? {
          conditions: keepTransitionTimes(
            current?.conditions,
            desired.conditions,
          ),
        }
      : {}),
  };
  // As the apiserver will store it: no undefined fields anywhere.
  const defined = JSON.parse(JSON.stringify(next)) as Record<string, unknown>;
  if (isDeepStrictEqual(current ?? {}, defined)) return undefined;
  const removed = Object.keys(current ?? {})
    .filter(key => !(key in defined))
    .map(key => [key, null]);
  return { ...defined, ...Object.fromEntries(removed) };
}

/**
 * `status` with the condition of `condition.type` replaced (or added), the
 * others kept: for the outcomes the operator reports itself (an invalid spec, a
 * failed apply, a deletion) on top of what it reported before.
 */
export function withCondition(
  status: ServiceClaimStatus | undefined,
  condition: Condition,
): Condition[] {
  return [
    ...(status?.conditions ?? []).filter(c => c.type !== condition.type),
    condition,
  ];
}
