import { API_ERROR_STATUS, type ApiErrorCode } from './apiError';
import { schemaRef, type JsonSchema } from './openApiRef';

const meaning: Record<ApiErrorCode, string> = {
  INVALID_REQUEST:
    'The request broke a rule: `details` names each offending field and its rule.',
  UNAUTHORIZED: 'No valid Backstage token was sent.',
  FORBIDDEN:
    'The caller may not do this, e.g. change a database it may only see, or act in a tenant not its own.',
  NOT_FOUND:
    'No such resource, or one the caller may not see; the two are not told apart.',
  CONFLICT:
    'The resource is in a state that rules the request out, e.g. it is being deleted or the name is taken.',
  QUOTA_EXCEEDED:
    "The caller's request rate or the tenant's quota does not allow the request. After a rate limit, `Retry-After` says when to try again.",
  INTERNAL_ERROR:
    'The API failed; the error is logged under the request id, its internals are not answered.',
  SERVICE_UNAVAILABLE: 'A system the API depends on is not available.',
};

/** `NOT_FOUND` → `NotFound`: the name of the code's response component. */
export const errorResponseName = (code: ApiErrorCode) =>
  code
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _sep, letter: string) =>
      letter.toUpperCase(),
    );

/**
 * One response component per error code, with the ApiError schema narrowed to
 * the code and its status, so that a client generated from the document knows
 * which code comes with which status.
 */
export function openApiErrorResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(
    (Object.keys(API_ERROR_STATUS) as ApiErrorCode[]).map(code => {
      // The request id is picked once the caller is known, so a 401 has none.
      const headers: JsonSchema =
        code === 'UNAUTHORIZED'
          ? {}
          : { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
      if (code === 'QUOTA_EXCEEDED') {
        headers['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
      }
      const schema = {
        allOf: [
          schemaRef('ApiError'),
          {
            properties: {
              error: { properties: { code: { const: code } } },
              response: {
                properties: { statusCode: { const: API_ERROR_STATUS[code] } },
              },
            },
          },
        ],
      };
      return [
        errorResponseName(code),
        {
          description: `${code}: ${meaning[code]}`,
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          content: { 'application/json': { schema } },
        },
      ];
    }),
  );
}
