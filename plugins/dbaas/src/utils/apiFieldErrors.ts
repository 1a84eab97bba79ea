import { ResponseError } from '@backstage/errors';
import type { ApiErrorBody } from '@internal/backstage-plugin-dbaas-common';

/**
 * What the API said of each field it refused (`details.violations`), by the
 * field's path such as `quota.cpu`, for a form to show beside the field.
 */
export function apiFieldErrors(error: Error): Record<string, string> {
  if (!ResponseError.is(error)) return {};
  const details = (error.body.error as Partial<ApiErrorBody['error']>).details;
  return Object.fromEntries(
    (details?.violations ?? []).map(v => [v.field, v.constraint]),
  );
}
