import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a failed client-node request or watch, if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

/** Whether a request failed because the object (or its kind) is not there. */
export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

/** Whether a write lost an optimistic-concurrency race (resourceVersion moved on). */
export function isConflict(error: unknown): boolean {
  return statusCodeOf(error) === 409;
}

/** Whether a request or watch ended because its signal aborted it. */
export function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}

/** The apiserver's Status of a failed request, when it sent one. */
function statusBody(
  error: ApiException<unknown>,
): { message?: string } | undefined {
  try {
    return typeof error.body === 'string'
      ? JSON.parse(error.body)
      : (error.body as { message?: string } | undefined);
  } catch {
    return undefined;
  }
}

/**
 * One line saying why a request failed. client-node's ApiException message
 * carries the whole response with its headers; the apiserver's Status message
 * is what names the problem (the field a schema rejected, the missing kind).
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiException) {
    const message = statusBody(error)?.message;
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  if (error instanceof Error) {
    const code = statusCodeOf(error);
    return code ? `${error.message} (HTTP ${code})` : error.message;
  }
  return String(error);
}
