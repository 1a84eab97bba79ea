import { CustomErrorBase, type ResponseError } from '@backstage/errors';
import type { ApiErrorBody } from '../api/apiError';

/**
 * An error answer of the DBaaS API, with the API's code and the offending fields
 * in the message. `ResponseError`'s own message says no more than the status;
 * this one is for where only a message is read, such as a scaffolder task's
 * log, in which the person who ran the template learns why their database
 * was refused.
 * @public
 */
export class DbaasApiError extends CustomErrorBase {
  /** The HTTP status, e.g. 400. */
  readonly status: number;
  /** The API's error code, e.g. `INVALID_REQUEST`; absent when the body was not the API's. */
  readonly code?: string;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Reads the `{ error: { code, message, details } }` body of a failed response. */
  static async fromResponse(response: Response): Promise<DbaasApiError> {
    const text = await response.text().catch(() => '');
    let body: Partial<ApiErrorBody> | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return DbaasApiError.fromBody(
      response.status,
      response.statusText,
      body?.error,
    );
  }

  /** The same, from the `ResponseError` that `DbaasClient` throws. */
  static fromResponseError(error: ResponseError): DbaasApiError {
    // ResponseError makes up a body, without a code, for an answer that was
    // not the API's (a proxy's error page); that one says nothing more.
    const body = error.body.error as Partial<ApiErrorBody['error']>;
    return DbaasApiError.fromBody(
      error.statusCode,
      error.statusText,
      typeof body.code === 'string' ? body : undefined,
    );
  }

  private static fromBody(
    status: number,
    statusText: string,
    error: Partial<ApiErrorBody['error']> | undefined,
  ): DbaasApiError {
    if (!error?.message) {
      return new DbaasApiError(
        status,
        `The DBaaS API answered ${status} ${statusText}`.trim(),
      );
    }
    // The message already names the first field; list the others too.
    const others = (error.details?.violations ?? [])
      .filter(v => !error.message!.includes(v.constraint))
      .map(v => `${v.field}: ${v.constraint}`);
    const message = [error.message, ...others].join('; ');
    return new DbaasApiError(
      status,
      `The DBaaS API answered ${status} ${error.code}: ${message}`,
      error.code,
    );
  }
}
