/** How many requests a key may make per fixed window. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** Length of a window in milliseconds. */
  windowMs: number;
}

/** The API's default: 100 requests per minute per tenant. */
export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 100, windowMs: 60_000 };

/** Counts requests per key (a tenant) and refuses those over the limit. */
export interface RateLimiter {
  /**
   * Counts one request for the key in the current window. Throws
   * QuotaExceededError, with the seconds until the window ends as
   * retryAfterSeconds, when the window already holds `limit` requests.
   */
  consume(key: string): Promise<void>;
}
