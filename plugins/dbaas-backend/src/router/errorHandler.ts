import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  API_ERROR_STATUS,
  type ApiErrorBody,
  type ApiErrorCode,
} from '@internal/backstage-plugin-dbaas-common';
import type { ErrorRequestHandler } from 'express';
import { QuotaExceededError } from '../database/QuotaExceededError';

const codeByErrorName: Record<string, ApiErrorCode> = {
  InputError: 'INVALID_REQUEST',
  AuthenticationError: 'UNAUTHORIZED',
  NotAllowedError: 'FORBIDDEN',
  NotFoundError: 'NOT_FOUND',
  ConflictError: 'CONFLICT',
  QuotaExceededError: 'QUOTA_EXCEEDED',
  ServiceUnavailableError: 'SERVICE_UNAVAILABLE',
};

type ZodLikeIssue = {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
};

function violationsOf(error: Error): { field: string; constraint: string }[] {
  // The issues ride on the error itself (see parseInput) or on its cause (a
  // ZodError passed to InputError).
  const issues =
    (error as { issues?: ZodLikeIssue[] }).issues ??
    (error.cause as { issues?: ZodLikeIssue[] } | undefined)?.issues;
  return (issues ?? []).flatMap(issue => {
    const path = issue.path.map(String);
    // Zod reports unknown keys on the object holding them; name each key instead.
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      return issue.keys.map(key => ({
        field: [...path, key].join('.'),
        constraint: 'Unrecognized key',
      }));
    }
    return [{ field: path.join('.'), constraint: issue.message }];
  });
}

/**
 * The one place the DBaaS API turns errors into responses: routes throw
 * @backstage/errors types (InputError with the ZodError as cause for bad input), and
 * this answers `{ error: { code, message, details } }` with the codes docs/api.md (Errors) lists.
 * Unexpected errors are logged and answered without their internals.
 */
export function errorHandler(logger: LoggerService): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // body-parser's errors (malformed JSON, a body too large) carry a 4xx status
    // and a message meant for the client; so does Express's URIError for a path
    // parameter it cannot decode (`/services/%E0%A4%A`), without marking it exposed.
    const clientHttpError =
      isError(error) &&
      ((error as { expose?: boolean }).expose === true ||
        error.name === 'URIError') &&
      Number((error as { status?: number }).status) < 500;
    const known = isError(error)
      ? codeByErrorName[error.name] ??
        (clientHttpError ? ('INVALID_REQUEST' as const) : undefined)
      : undefined;
    const code: ApiErrorCode = known ?? 'INTERNAL_ERROR';
    const status = API_ERROR_STATUS[code];
    if (!known) {
      logger.error(
        `Unhandled error in ${req.method} ${req.originalUrl}`,
        error,
      );
    }
    const details: ApiErrorBody['error']['details'] = {};
    if (isError(error)) {
      const violations = violationsOf(error);
      if (violations.length > 0) {
        // A rule on the whole body (its type, a cross-field refine) has no field.
        const first = violations.find(v => v.field) ?? violations[0];
        if (first.field) {
          details.field = first.field;
        }
        details.constraint = first.constraint;
        details.violations = violations;
      }
    }
    if (
      error instanceof QuotaExceededError &&
      error.retryAfterSeconds !== undefined
    ) {
      details.retryAfterSeconds = error.retryAfterSeconds;
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    const body: ApiErrorBody = {
      error: {
        code,
        name: isError(error) ? error.name : 'Error',
        message: known
          ? error.message
          : 'The DBaaS API failed to handle the request; the error is logged',
        ...(Object.keys(details).length > 0 ? { details } : {}),
      },
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: status },
    };
    res.status(status).json(body);
  };
}
