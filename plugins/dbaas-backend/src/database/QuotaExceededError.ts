import { CustomErrorBase } from '@backstage/errors';

/**
 * A tenant's quota or request rate does not allow the request. Answered as
 * 429 QUOTA_EXCEEDED, with Retry-After when waiting would help (rate limits).
 */
export class QuotaExceededError extends CustomErrorBase {
  name = 'QuotaExceededError' as const;

  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}
