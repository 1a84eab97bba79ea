import { CustomErrorBase } from '@backstage/errors';
import type { ApiErrorBody } from '@internal/backstage-plugin-dbaas-common';

/**
 * An error answer of the DBaaS API, with the API's code and the offending fields
 * in the message: the task log is where the person who ran the template reads
 * why their database was refused.
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
    const error = body?.error;
    if (!error?.message) {
      return new DbaasApiError(
        response.status,
        `The DBaaS API answered ${response.status} ${response.statusText}`.trim(),
      );
    }
    // The message already names the first field; list the others too.
    const others = (error.details?.violations ?? [])
      .filter(v => !error.message.includes(v.constraint))
      .map(v => `${v.field}: ${v.constraint}`);
    const message = [error.message, ...others].join('; ');
    return new DbaasApiError(
      response.status,
      `The DBaaS API answered ${response.status} ${error.code}: ${message}`,
      error.code,
    );
  }
}
