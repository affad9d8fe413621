// When to try again. Transient failures (5xx, network) back off exponentially with jitter, capped, for at
// least DEAD_LETTER_AFTER (24 h by default: longer than Braze or a network usually stays down) before a row
// is dead-lettered. Rate limits and rejected keys are not failures of the row and never count as attempts.

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  deadLetterAfterMs: number;
}

const HOUR = 3_600_000;

export function retryPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetryPolicy {
  return {
    baseMs: Number(env.DELIVERY_RETRY_BASE_MS || 10_000),
    capMs: Number(env.DELIVERY_RETRY_CAP_MS || HOUR),
    deadLetterAfterMs: Number(env.DELIVERY_DEAD_LETTER_AFTER_MS || 24 * HOUR),
  };
}

// Delay before attempt `attempts + 1`, after `attempts` failed ones. "Equal jitter": half fixed, half random,
// so retries of many rows spread out but none comes back sooner than half the nominal delay.
export function backoffMs(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

export function shouldDeadLetter(policy: RetryPolicy, firstAttemptAt: Date, now: Date): boolean {
  return now.getTime() - firstAttemptAt.getTime() >= policy.deadLetterAfterMs;
}

// How long Braze asked us to wait, clamped to [1 s, 1 h]: a header is only a hint, and an absurd one ("1e300", a
// negative number, a date in 1970) must neither hammer Braze again at once nor stop a shop for ever.
// `x-ratelimit-reset` is epoch seconds on one Braze page and seconds remaining on another, so a value that only
// makes sense as a timestamp is read as one.
export const RATE_LIMIT_MIN_MS = 1_000;
export const RATE_LIMIT_MAX_MS = 3_600_000;

export function rateLimitDelayMs(headers: Headers, now: Date, fallbackMs = 60_000): number {
  const clamp = (ms: number) => Math.min(RATE_LIMIT_MAX_MS, Math.max(RATE_LIMIT_MIN_MS, Math.round(ms)));
  const retryAfter = headers.get("x-ratelimit-retry-after") ?? headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return clamp(seconds * 1000);
    const date = Date.parse(retryAfter); // Retry-After may also be an HTTP date
    if (Number.isFinite(date)) return clamp(date - now.getTime());
  }
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) {
    const isEpoch = reset > 1_000_000_000;
    return clamp(isEpoch ? reset * 1000 - now.getTime() : reset * 1000);
  }
  return clamp(fallbackMs);
}
