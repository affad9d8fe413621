// One limiter for every request to Okendo's Merchant API, shared by all shops in this process and by every other
// process on the same database. Okendo allows "a consistent rate of 2 requests per second, with a small burst
// capacity above that" per API account, so the key is the Okendo User ID (docs/decisions/0008).
//
// The state is one row per key holding the next free slot (epoch ms). A caller reserves a slot with one atomic
// upsert (`next = max(next, now) + interval`) and waits until it; Okendo's burst is never relied on, so a few
// processes with slightly different clocks still stay under the limit. A 429 moves the slot to when Okendo said
// to come back, for everyone. Plain SQL shared by SQLite and Postgres (ON CONFLICT … DO UPDATE … RETURNING).
import type { PrismaClient } from "@prisma/client";

/** Okendo: 2 requests per second. */
export const OKENDO_REQUEST_INTERVAL_MS = 500;

export type SlotReservation =
  | { ok: true; waitMs: number }
  // The next slot is further away than the caller is willing to wait; nothing was reserved.
  | { ok: false; retryAfterMs: number };

export interface OkendoRateLimiter {
  /** Reserves the key's next slot if it starts within maxWaitMs; the caller waits `waitMs` before sending. */
  reserve(key: string, maxWaitMs: number): Promise<SlotReservation>;
  /** No request for this key before untilMs (epoch ms), e.g. after a 429 with Retry-After. */
  holdOff(key: string, untilMs: number): Promise<void>;
}

type RawDb = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

export const okendoAccountKey = (userId: string) => `okendo-account:${userId.trim().toLowerCase()}`;

export function sharedOkendoRateLimiter(db: RawDb, intervalMs = OKENDO_REQUEST_INTERVAL_MS): OkendoRateLimiter {
  return {
    async reserve(key, maxWaitMs) {
      const now = Date.now();
      // BigInt parameters: the column is BIGINT on both dialects, and pg must not see these as int4 or float8.
      const rows = await db.$queryRaw<{ nextAt: bigint | number }[]>`
        INSERT INTO "OkendoRateLimit" ("key", "nextAt") VALUES (${key}, ${BigInt(now + intervalMs)})
        ON CONFLICT ("key") DO UPDATE
          SET "nextAt" = (CASE WHEN "OkendoRateLimit"."nextAt" > ${BigInt(now)}
                               THEN "OkendoRateLimit"."nextAt" ELSE ${BigInt(now)} END) + ${BigInt(intervalMs)}
          WHERE "OkendoRateLimit"."nextAt" <= ${BigInt(now + maxWaitMs)}
        RETURNING "nextAt"`;
      const reserved = rows[0];
      if (reserved) return { ok: true, waitMs: Math.max(0, Number(reserved.nextAt) - intervalMs - now) };
      const current = await db.$queryRaw<{ nextAt: bigint | number }[]>`
        SELECT "nextAt" FROM "OkendoRateLimit" WHERE "key" = ${key}`;
      return { ok: false, retryAfterMs: Math.max(0, Number(current[0]?.nextAt ?? now) - now) };
    },

    async holdOff(key, untilMs) {
      const until = BigInt(Math.ceil(untilMs));
      await db.$executeRaw`
        INSERT INTO "OkendoRateLimit" ("key", "nextAt") VALUES (${key}, ${until})
        ON CONFLICT ("key") DO UPDATE
          SET "nextAt" = CASE WHEN "OkendoRateLimit"."nextAt" > ${until} THEN "OkendoRateLimit"."nextAt" ELSE ${until} END`;
    },
  };
}
