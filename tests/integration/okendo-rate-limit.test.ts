// The Okendo API limiter, on the real schema of the project's dialect (TEST_DIALECT): concurrent callers from two separate database
// clients (as two processes would be) get distinct slots spaced by the interval; accounts do not wait for each
// other; a caller who would wait too long reserves nothing; a 429's Retry-After holds everyone off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { okendoAccountKey, sharedOkendoRateLimiter } from "../../app/okendo/rate-limit.server.ts";
import { testDialect } from "../support/app-server.ts";
import { migratedDatabase, openClient, type MigratedDatabase } from "../support/okendo-api.ts";

const INTERVAL = 40;

describe(`the Okendo API rate limiter on ${testDialect()}`, () => {
  let database: MigratedDatabase;
  let clients: PrismaClient[] = [];

  beforeAll(async () => {
    database = await migratedDatabase();
    expect(database.url.startsWith(testDialect() === "postgres" ? "postgres" : "file:")).toBe(true);
    // Two clients, two connection pools: the database, not the process, is what serialises the callers.
    clients = [database.db, openClient(database.url)];
  }, 60_000);

  afterAll(async () => {
    await clients[1]?.$disconnect();
    await database?.close();
  });

  it("gives concurrent callers of one account distinct slots, spaced by the interval", async () => {
    const limiters = clients.map((client) => sharedOkendoRateLimiter(client, INTERVAL));
    const key = okendoAccountKey(crypto.randomUUID());
    const start = Date.now();
    const reservations = await Promise.all(Array.from({ length: 12 }, (_, i) => limiters[i % 2]!.reserve(key, 60_000)));
    const slots = reservations.map((r) => {
      if (!r.ok) throw new Error("expected a slot");
      return start + r.waitMs;
    });
    const ordered = [...slots].sort((a, b) => a - b);
    for (let i = 1; i < ordered.length; i++) {
      // Each reservation measured its wait from its own "now": allow for the few ms between them.
      expect(ordered[i]! - ordered[i - 1]!).toBeGreaterThanOrEqual(INTERVAL - 15);
    }
    expect(ordered.at(-1)! - ordered[0]!).toBeGreaterThanOrEqual(11 * INTERVAL - 30);
  });

  it("keys the limit per Okendo account: another account does not wait", async () => {
    const limiter = sharedOkendoRateLimiter(clients[0]!, INTERVAL);
    const busy = okendoAccountKey(crypto.randomUUID());
    for (let i = 0; i < 10; i++) await limiter.reserve(busy, 60_000);
    const other = await limiter.reserve(okendoAccountKey(crypto.randomUUID()), 60_000);
    expect(other).toEqual({ ok: true, waitMs: 0 });
    // The User ID's letter case does not make it another account.
    const id = crypto.randomUUID();
    expect(okendoAccountKey(id.toUpperCase())).toBe(okendoAccountKey(` ${id} `));
  });

  it("reserves nothing when the next slot is further away than the caller will wait", async () => {
    const limiter = sharedOkendoRateLimiter(clients[0]!, 1_000);
    const key = okendoAccountKey(crypto.randomUUID());
    expect(await limiter.reserve(key, 0)).toEqual({ ok: true, waitMs: 0 });
    const refused = await limiter.reserve(key, 100);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(800);
    // The refusal did not push the slot back: a patient caller gets the second slot, not the third.
    const patient = await limiter.reserve(key, 5_000);
    expect(patient.ok && patient.waitMs).toBeLessThanOrEqual(1_000);
  });

  it("holds every caller of the account off until the time a 429 named, and never moves a slot earlier", async () => {
    const [first, second] = clients.map((client) => sharedOkendoRateLimiter(client, INTERVAL));
    const key = okendoAccountKey(crypto.randomUUID());
    const until = Date.now() + 2_000;
    await first!.holdOff(key, until);
    const waited = await second!.reserve(key, 10_000);
    expect(waited.ok && waited.waitMs).toBeGreaterThan(1_800);
    await first!.holdOff(key, Date.now()); // earlier than what is stored: no change
    const later = await second!.reserve(key, 10_000);
    expect(later.ok && later.waitMs).toBeGreaterThan(1_800 + INTERVAL - 20);
  });
});
