/** How many requests a key may make per fixed window. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** Length of a window in milliseconds. */
  windowMs: number;
}

/** The API's default: 100 requests per minute per caller. */
export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 100, windowMs: 60_000 };

/**
 * Counts requests per key and refuses those over the limit. The API keys it on
 * the authenticated caller (a user's entity ref or a plugin's subject), never on
 * anything a request names, so nobody can spend another's budget and the keys
 * in use are bounded by the principals that exist.
 */
export interface RateLimiter {
  /**
   * Counts one request for the key in the current window. Throws
   * QuotaExceededError, with the seconds until the window ends as
   * retryAfterSeconds, when the window already holds `limit` requests.
   */
  consume(key: string): Promise<void>;
}
