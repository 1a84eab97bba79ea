import { ResponseError } from '@backstage/errors';

/** What the backend said, rather than `Request failed with 403 Forbidden`. */
export function apiErrorMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}
