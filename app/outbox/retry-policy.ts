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

// How long Braze asked us to wait. `x-ratelimit-reset` is epoch seconds on one Braze page and seconds
// remaining on another, so a value that only makes sense as a timestamp is read as one.
export function rateLimitedUntil(headers: Headers, now: Date, fallbackMs = 60_000): Date {
  const retryAfter = Number(headers.get("x-ratelimit-retry-after") ?? headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now.getTime() + retryAfter * 1000);
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) {
    const isEpoch = reset > 1_000_000_000;
    const until = isEpoch ? reset * 1000 : now.getTime() + reset * 1000;
    if (until > now.getTime()) return new Date(until);
  }
  return new Date(now.getTime() + fallbackMs);
}
