/**
 * The error codes of the DBaaS API (docs/api.md, Errors) and their HTTP statuses.
 * @public
 */
export const API_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

/** @public */
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/**
 * The body of every error the DBaaS API answers. `error.code`, `message` and
 * `details` are the API's contract (docs/api.md); `error.name`, `request` and `response` keep the
 * body readable by Backstage's `ResponseError.fromResponse`.
 * @public
 */
export type ApiErrorBody = {
  error: {
    code: ApiErrorCode;
    name: string;
    message: string;
    details?: {
      /** The first offending field, e.g. `storage.size`. */
      field?: string;
      /** The rule it broke, e.g. `Must be between 100Gi and 10Ti`. */
      constraint?: string;
      /** Every offending field with its rule. */
      violations?: { field: string; constraint: string }[];
      /** Seconds until a rate-limited or quota-limited request may be retried. */
      retryAfterSeconds?: number;
    };
  };
  request: { method: string; url: string };
  response: { statusCode: number };
};
