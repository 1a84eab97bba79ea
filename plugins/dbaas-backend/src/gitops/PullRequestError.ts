import { CustomErrorBase } from '@backstage/errors';

/**
 * The code host would not open a pull or merge request. The message carries the
 * host's own reason for whoever reads the log; `status` is its HTTP status
 * (undefined when there was no answer).
 */
export class PullRequestError extends CustomErrorBase {
  readonly hostName: string;
  readonly status?: number;

  constructor(hostName: string, message: string, status?: number) {
    super(message);
    this.hostName = hostName;
    this.status = status;
  }

  /**
   * The error for a response that is not the created request, with the reason
   * from its body: GitHub's `message` and `errors`, GitLab's `message` (a
   * string, a list, or messages by field) or `error`.
   */
  static async fromResponse(
    hostName: string,
    what: string,
    response: Response,
  ): Promise<PullRequestError> {
    const text = await response.text().catch(() => '');
    let reason = '';
    try {
      reason = reasonOf(JSON.parse(text));
    } catch {
      reason = '';
    }
    return new PullRequestError(
      hostName,
      `${hostName} did not open the ${what}: it answered ${response.status}${
        reason ? `, ${reason}` : ''
      }`,
      response.status,
    );
  }
}

function reasonOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const { message, errors, error } = body as {
    message?: unknown;
    errors?: unknown;
    error?: unknown;
  };
  const parts: string[] = [];
  if (typeof message === 'string') parts.push(message);
  else if (Array.isArray(message)) parts.push(...message.map(String));
  else if (typeof message === 'object' && message !== null) {
    for (const [field, problems] of Object.entries(message)) {
      parts.push(`${field} ${[problems].flat().join(', ')}`);
    }
  }
  if (Array.isArray(errors)) {
    for (const item of errors) {
      if (typeof item === 'string') parts.push(item);
      else if (item && typeof item === 'object') {
        const { message: text, field, code } = item as Record<string, unknown>;
        parts.push(
          typeof text === 'string'
            ? text
            : [field, code].filter(v => typeof v === 'string').join(' '),
        );
      }
    }
  }
  if (typeof error === 'string') parts.push(error);
  return parts.filter(Boolean).join('; ');
}
