// The hot path's statements on SQLite, prepared once on one better-sqlite3 connection (see statements.ts).
//
// Two rules keep this connection and Prisma's (admin pages, settings, Shopify webhooks) from stalling each other
// in one process, where both drivers are synchronous:
// - a write transaction here runs start to finish without yielding to the event loop (units of work are driven
//   synchronously), so it never holds the write lock while something else waits for it;
// - this connection never busy-waits (busy timeout 0): when another connection — Prisma's interactive
//   transaction, or a worker process — holds the lock, the write is retried after a short asynchronous pause,
//   which lets that other transaction finish.
//
// Accepts use group commit: the requests that arrive within one turn of the event loop are written in one
// transaction (each in its own savepoint, so one failure does not undo the others), and each is answered only after
// that transaction committed.
//
// Times are stored as Prisma stores them on SQLite ("2026-12-03T07:30:02.245+00:00"), so text comparison orders
// them; the database's clock ("now" below) decides leases and due times.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { DeliveryKind, DeliveryStatus } from "../outbox/delivery-status";
import type {
  BrazeConnectionRow,
  DueDelivery,
  IngressShop,
  NewDelivery,
  NewInbound,
  RetryOutcome,
  ReviewTotals,
  Statements,
  TxStatements,
} from "./statements";
import { SENDABLE_SQL, WORKABLE_SQL } from "./status-lists";
import { runSync, type Work } from "./unit-of-work";

const NOW = `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')`;
const nowPlus = (param: string) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', ${param})`;
const seconds = (ms: number) => `+${(Math.max(0, ms) / 1000).toFixed(3)} seconds`;
const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
const parseTime = (value: string | null) => (value ? new Date(value) : null);
const jsonList = (values: readonly unknown[]) => JSON.stringify(values);

const GROUP_LIMIT = 256; // accepts per group commit: bounds the time the write lock is held
const BUSY_DEADLINE_MS = 30_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Retries a synchronous write while another connection holds the lock, pausing on the event loop in between.
async function whenFree<T>(write: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      return write();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
    }
    await pause(wait);
  }
}

interface Pending {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class SqliteStore {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly tx: TxStatements;
  private readonly s: Statements;
  private group: Pending[] = [];
  private flushScheduled = false;

  constructor(file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file, { timeout: 0 });
    // WAL is set once by the migration runner (it is stored in the file). NORMAL sync under WAL survives a crash of
    // the process; only a power loss can drop the last commits (docs/decisions/0014).
    this.db.pragma("synchronous = NORMAL");
    this.tx = this.prepareTx();
    this.s = this.prepareStatements();
  }

  close() {
    this.db.close();
  }

  // A unit of work in its own transaction.
  transact<T>(work: Work<T>): Promise<T> {
    return whenFree(() => this.db.transaction(() => runSync(work, this.tx)).immediate());
  }

  // A unit of work committed together with the others submitted in the same turn of the event loop.
  transactGrouped<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.group.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    const batch = this.group.splice(0, GROUP_LIMIT);
    if (this.group.length > 0) setImmediate(() => void this.flush());
    else this.flushScheduled = false;

    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await whenFree(() =>
        this.db
          .transaction(() => {
            outcomes.length = 0; // a retry after SQLITE_BUSY starts the group again
            for (const pending of batch) {
              // A nested better-sqlite3 transaction is a savepoint: one failing accept rolls back only itself.
              try {
                outcomes.push({ ok: true, value: this.db.transaction(() => runSync(pending.work, this.tx))() });
              } catch (error) {
                if (isBusy(error)) throw error;
                outcomes.push({ ok: false, error });
              }
            }
          })
          .immediate(),
      );
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }

  // Single statements (each atomic by itself); writes wait for a busy lock without blocking the event loop.
  async run<K extends keyof Statements>(
    name: K,
    ...args: Parameters<Statements[K]>
  ): Promise<ReturnType<Statements[K]>> {
    const statement = this.s[name] as (...args: unknown[]) => ReturnType<Statements[K]>;
    return whenFree(() => statement.apply(this.s, args));
  }

  private prepareTx(): TxStatements {
    const db = this.db;
    const insertInbound = db.prepare<
      [string, string, string, string | null, string, string, string, string, string | null],
      { id: string }
    >(
      `INSERT INTO "InboundMessage" ("id", "shop", "source", "topic", "dedupeKey", "receivedAt", "payload", "status", "note")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("shop", "source", "dedupeKey") DO NOTHING RETURNING "id"`,
    );
    const insertDelivery = db.prepare(
      `INSERT INTO "Delivery" ("shop", "inboundId", "kind", "eventName", "identifierType", "customerKey", "customerEmail",
         "shopifyCustomerId", "payload", "note", "status", "lastError", "attempts", "nextAttemptAt", "createdAt")
       VALUES (@shop, @inboundId, @kind, @eventName, @identifierType, @customerKey, @customerEmail, @shopifyCustomerId,
         @payload, @note, @status, @lastError, 0, ${NOW}, ${NOW})`,
    );
    const knowReview = db.prepare(
      `INSERT INTO "KnownReview" ("shop", "reviewId", "customerKey", "source", "firstSeenAt") VALUES (?, ?, ?, ?, ?)
       ON CONFLICT ("shop", "reviewId") DO NOTHING`,
    );
    const foldReview = db.prepare<[string, string, number, string], { reviewCount: number; reviewRatingSum: number }>(
      `INSERT INTO "CustomerState" ("shop", "customerKey", "reviewCount", "reviewRatingSum", "updatedAt") VALUES (?, ?, 1, ?, ?)
       ON CONFLICT ("shop", "customerKey") DO UPDATE SET "reviewCount" = "reviewCount" + 1,
         "reviewRatingSum" = "reviewRatingSum" + excluded."reviewRatingSum", "updatedAt" = excluded."updatedAt"
       RETURNING "reviewCount", "reviewRatingSum"`,
    );
    const countSentiment = db.prepare(
      `INSERT INTO "CustomerReviewSentiment" ("shop", "customerKey", "sentiment", "count", "lastReview") VALUES (?, ?, ?, 1, ?)
       ON CONFLICT ("shop", "customerKey", "sentiment") DO UPDATE SET "count" = "count" + 1, "lastReview" = excluded."lastReview"`,
    );
    const topSentiment = db
      .prepare<[string, string], string>(
        `SELECT "sentiment" FROM "CustomerReviewSentiment" WHERE "shop" = ? AND "customerKey" = ?
         ORDER BY "count" DESC, "lastReview" DESC LIMIT 1`,
      )
      .pluck();
    const reviewTotals = db.prepare<[string, string], { reviewCount: number; reviewRatingSum: number }>(
      `SELECT "reviewCount", "reviewRatingSum" FROM "CustomerState" WHERE "shop" = ? AND "customerKey" = ?`,
    );
    const loyaltyTier = db
      .prepare<[string, string], string | null>(
        `SELECT "loyaltyTier" FROM "CustomerState" WHERE "shop" = ? AND "customerKey" = ?`,
      )
      .pluck();
    const setLoyaltyTier = db.prepare(
      `INSERT INTO "CustomerState" ("shop", "customerKey", "loyaltyTier", "updatedAt") VALUES (?, ?, ?, ?)
       ON CONFLICT ("shop", "customerKey") DO UPDATE SET "loyaltyTier" = excluded."loyaltyTier", "updatedAt" = excluded."updatedAt"`,
    );
    const countEvent = db.prepare(
      `INSERT INTO "EventDailyCount" ("shop", "eventName", "day", "count", "lastReceivedAt") VALUES (?, ?, ?, ?, ?)
       ON CONFLICT ("shop", "eventName", "day") DO UPDATE SET "count" = "count" + excluded."count",
         "lastReceivedAt" = max("lastReceivedAt", excluded."lastReceivedAt")`,
    );
    const moveDelivery = db.prepare(
      `UPDATE "Delivery" SET "status" = ? WHERE "shop" = ? AND "id" = ? AND "status" = ?`,
    );
    const takeDelivery = db.prepare(`DELETE FROM "Delivery" WHERE "shop" = ? AND "id" = ? AND "status" = ?`);
    const touchSubscription = db.prepare(
      `UPDATE "OkendoSubscription" SET "lastDeliveryAt" = ? WHERE "shop" = ? AND "topic" = ?`,
    );
    const markInboundMapped = db.prepare(
      `UPDATE "InboundMessage" SET "status" = 'mapped', "note" = NULL WHERE "shop" = ? AND "id" = ?`,
    );

    return {
      insertInbound: (row: NewInbound) =>
        insertInbound.get(
          crypto.randomUUID(),
          row.shop,
          row.source,
          row.topic,
          row.dedupeKey,
          iso(row.receivedAt),
          row.payload,
          row.status,
          row.note,
        )?.id ?? null,
      insertDeliveries: (rows: NewDelivery[]) => {
        for (const row of rows) insertDelivery.run(row);
      },
      knowReview: (shop, reviewId, customerKey, source, at) =>
        knowReview.run(shop, reviewId, customerKey, source, iso(at)).changes === 1,
      foldReview: (shop, customerKey, rating, sentiment, at): ReviewTotals => {
        const totals = foldReview.get(shop, customerKey, rating, iso(at))!;
        if (sentiment) countSentiment.run(shop, customerKey, sentiment, totals.reviewCount);
        return {
          count: totals.reviewCount,
          ratingSum: totals.reviewRatingSum,
          sentiment: topSentiment.get(shop, customerKey) ?? null,
        };
      },
      reviewTotals: (shop, customerKey): ReviewTotals => {
        const totals = reviewTotals.get(shop, customerKey);
        return {
          count: totals?.reviewCount ?? 0,
          ratingSum: totals?.reviewRatingSum ?? 0,
          sentiment: topSentiment.get(shop, customerKey) ?? null,
        };
      },
      swapLoyaltyTier: (shop, customerKey, tier, at) => {
        const previous = loyaltyTier.get(shop, customerKey) ?? null;
        setLoyaltyTier.run(shop, customerKey, tier, iso(at));
        return previous;
      },
      countEvents: (shop, counts, day, at) => {
        for (const [eventName, count] of counts) countEvent.run(shop, eventName, day, count, iso(at));
      },
      moveDelivery: (shop, id, from, to) => moveDelivery.run(to, shop, id, from).changes === 1,
      takeDelivery: (shop, id, status) => takeDelivery.run(shop, id, status).changes === 1,
      markInboundMapped: (shop, inboundId) => void markInboundMapped.run(shop, inboundId),
      touchSubscription: (shop, topic, at) => void touchSubscription.run(iso(at), shop, topic),
    };
  }

  private prepareStatements(): Statements {
    const db = this.db;
    const shopForIngress = db.prepare<
      [string],
      {
        domain: string;
        identifyByCustomerId: number;
        uninstalledAt: string | null;
        current: string | null;
        okendo: string | null;
        previous: string | null;
        sequencesToken: string | null;
      }
    >(
      `SELECT "domain", "identifyByCustomerId", "uninstalledAt", "okendoSecretEncrypted" AS "current",
         "okendoProvidedSecretEncrypted" AS "okendo", "sequencesTokenEncrypted" AS "sequencesToken",
         CASE WHEN "previousSecretExpiresAt" > ${NOW} THEN "previousSecretEncrypted" END AS "previous"
       FROM "Shop" WHERE "okendoWebhookId" = ?`,
    );
    const subscriptionSecrets = db.prepare<[string], { topic: string; sealed: string }>(
      `SELECT "topic", "secretEncrypted" AS "sealed" FROM "OkendoSubscription" WHERE "shop" = ?`,
    );
    const switchedOff = db
      .prepare<[string], string>(`SELECT "eventName" FROM "EventSetting" WHERE "shop" = ? AND "enabled" = 0`)
      .pluck();
    const cachedCustomerId = db
      .prepare<[string, string], string>(
        `SELECT "customerId" FROM "ShopifyCustomer" WHERE "shop" = ? AND "email" = ? ORDER BY "updatedAt" DESC LIMIT 1`,
      )
      .pluck();
    const cachedEmail = db
      .prepare<[string, string], string | null>(
        `SELECT "email" FROM "ShopifyCustomer" WHERE "shop" = ? AND "customerId" = ?`,
      )
      .pluck();

    // A row worth working on now: due, and not held back behind an earlier row of the same user that waits for a
    // retry (a user's objects reach Braze in the order received; deletions and rows still waiting for their
    // identifier are never held back). Claims use the same rule
    // as the batch query; a shop claimed for a row the batch query would skip would be claimed again and again
    // without sending anything.
    const due = (d: string) => `${d}."nextAttemptAt" <= ${NOW}
      AND (${d}."kind" = 'delete' OR ${d}."customerKey" = '' OR NOT EXISTS (
        SELECT 1 FROM "Delivery" e WHERE e."shop" = ${d}."shop" AND e."customerKey" = ${d}."customerKey" AND e."id" < ${d}."id"
          AND e."status" IN (${SENDABLE_SQL}) AND e."nextAttemptAt" > ${NOW}))`;

    // SQLite has one writer at a time, so one conditional UPDATE is the claim: exactly one worker gets the shop.
    const claimTurn = db
      .prepare<{ worker: string; lease: string }, string>(
        `UPDATE "Shop" SET "deliveryLeaseOwner" = @worker, "deliveryLeaseUntil" = ${nowPlus("@lease")}, "lastTurnAt" = ${NOW}
         WHERE "domain" = (
           SELECT s."domain" FROM "Shop" s
           WHERE s."connectionStatus" = 'connected' AND s."uninstalledAt" IS NULL
             AND (s."deliveryLeaseUntil" IS NULL OR s."deliveryLeaseUntil" < ${NOW})
             AND (s."rateLimitedUntil" IS NULL OR s."rateLimitedUntil" <= ${NOW})
             AND (s."deliveryPausedUntil" IS NULL OR s."deliveryPausedUntil" <= ${NOW})
             AND EXISTS (SELECT 1 FROM "Delivery" d WHERE d."shop" = s."domain" AND d."status" IN (${WORKABLE_SQL}) AND ${due("d")})
           ORDER BY s."lastTurnAt" ASC NULLS FIRST LIMIT 1)
         AND ("deliveryLeaseUntil" IS NULL OR "deliveryLeaseUntil" < ${NOW})
         RETURNING "domain"`,
      )
      .pluck();
    const extendTurn = db.prepare(
      `UPDATE "Shop" SET "deliveryLeaseUntil" = ${nowPlus("?")}
       WHERE "domain" = ? AND "deliveryLeaseOwner" = ? AND "deliveryLeaseUntil" > ${NOW}`,
    );
    const releaseTurn = db.prepare(
      `UPDATE "Shop" SET "deliveryLeaseOwner" = NULL, "deliveryLeaseUntil" = NULL WHERE "domain" = ? AND "deliveryLeaseOwner" = ?`,
    );
    const brazeConnection = db.prepare<
      [string],
      { endpoint: string | null; sealedKey: string | null; status: string; pausedReason: string | null }
    >(
      `SELECT "brazeEndpoint" AS "endpoint", "brazeApiKeyEncrypted" AS "sealedKey", "connectionStatus" AS "status",
         "deliveryPausedReason" AS "pausedReason"
       FROM "Shop" WHERE "domain" = ?`,
    );

    // One id-ordered scan per (kind, status) over the Delivery(shop, kind, status, id) index, each stopping after
    // `limit` rows, merged by id: a single `kind IN … AND status IN … ORDER BY id` would collect and sort every due
    // row of the shop for each batch, which made a drain quadratic in the backlog (measured by `npm run bench`).
    // SQLite's planner, left alone, picks the (shop, status, nextAttemptAt) index for the range, hence INDEXED BY.
    const dueScans = new Map<string, Database.Statement>();
    const dueScan = (scans: number) => {
      let statement = dueScans.get(String(scans));
      if (!statement) {
        const scan = (n: number) => `SELECT * FROM (
            SELECT d."id", d."kind", d."payload", d."attempts", d."firstAttemptAt", d."customerEmail", d."inboundId",
              d."eventName", d."note"
            FROM "Delivery" d INDEXED BY "Delivery_shop_kind_status_id_idx"
            WHERE d."shop" = @shop AND d."kind" = @kind${n} AND d."status" = @status${n} AND ${due("d")}
            ORDER BY d."id" LIMIT @limit)`;
        const sql = `${Array.from({ length: scans }, (_, n) => scan(n)).join(" UNION ALL ")} ORDER BY "id" LIMIT @limit`;
        statement = db.prepare(sql);
        dueScans.set(String(scans), statement);
      }
      return statement;
    };

    const leaseHeld = `EXISTS (SELECT 1 FROM "Shop" WHERE "domain" = @shop AND "deliveryLeaseOwner" = @worker
      AND "deliveryLeaseUntil" > ${NOW})`;
    const markDelivered = db.prepare(
      `UPDATE "Delivery" SET "status" = @status, "deliveredAt" = ${NOW}, "attempts" = "attempts" + 1,
         "brazeResponse" = @response, "lastError" = NULL
       WHERE "shop" = @shop AND "id" IN (SELECT value FROM json_each(@ids)) AND ${leaseHeld}`,
    );
    const touchDelivered = db.prepare(`UPDATE "Shop" SET "lastDeliveredAt" = ${NOW} WHERE "domain" = ?`);
    const markRefused = db.prepare(
      `UPDATE "Delivery" SET "status" = @status, "attempts" = "attempts" + 1, "lastError" = @reason,
         "brazeResponse" = coalesce(@response, "brazeResponse")
       WHERE "shop" = @shop AND "id" = @id AND ${leaseHeld}`,
    );
    const markRetry = db.prepare(
      `UPDATE "Delivery" SET "status" = @status, "attempts" = @attempts, "firstAttemptAt" = @firstAttemptAt,
         "lastError" = @lastError, "nextAttemptAt" = ${nowPlus("@delay")}
       WHERE "shop" = @shop AND "id" = @id AND ${leaseHeld}`,
    );
    const replacePayload = db.prepare(`UPDATE "Delivery" SET "payload" = ? WHERE "shop" = ? AND "id" = ?`);
    const identifyDelivery = db.prepare(
      `UPDATE "Delivery" SET "identifierType" = @identifierType, "customerKey" = @customerKey,
         "shopifyCustomerId" = coalesce(@shopifyCustomerId, "shopifyCustomerId"), "payload" = @payload, "note" = @note,
         "status" = @status
       WHERE "shop" = @shop AND "id" = @id AND "status" = @from`,
    );
    const setRateLimited = db.prepare(`UPDATE "Shop" SET "rateLimitedUntil" = ${nowPlus("?")} WHERE "domain" = ?`);
    const markKeyRejected = db.prepare(
      `UPDATE "Shop" SET "connectionStatus" = 'broken', "connectionError" = ?
       WHERE "domain" = ? AND "brazeApiKeyEncrypted" = ?`,
    );
    const pauseDeliveries = db.prepare(
      `UPDATE "Shop" SET "deliveryPausedUntil" = ${nowPlus("?")}, "deliveryPausedReason" = ? WHERE "domain" = ?`,
    );
    const resumeDeliveries = db.prepare(
      `UPDATE "Shop" SET "deliveryPausedUntil" = NULL, "deliveryPausedReason" = NULL
       WHERE "domain" = ? AND "deliveryPausedReason" IS NOT NULL`,
    );

    return {
      shopForIngress: (webhookId): IngressShop | null => {
        const row = shopForIngress.get(webhookId);
        if (!row?.current) return null;
        return {
          domain: row.domain,
          identifyByCustomerId: row.identifyByCustomerId === 1,
          uninstalled: row.uninstalledAt !== null,
          signingSecrets: [row.current, row.okendo, row.previous].filter((value): value is string => Boolean(value)),
          subscriptionSecrets: subscriptionSecrets.all(row.domain),
          sequencesToken: row.sequencesToken,
        };
      },
      switchedOffEvents: (shop) => switchedOff.all(shop),
      cachedCustomerId: (shop, email) => cachedCustomerId.get(shop, email) ?? null,
      cachedEmail: (shop, customerId) => cachedEmail.get(shop, customerId) ?? null,

      claimTurn: (worker, leaseMs) => claimTurn.get({ worker, lease: seconds(leaseMs) }) ?? null,
      extendTurn: (shop, worker, leaseMs) => extendTurn.run(seconds(leaseMs), shop, worker).changes === 1,
      releaseTurn: (shop, worker) => void releaseTurn.run(shop, worker),
      brazeConnection: (shop): BrazeConnectionRow | null => {
        const row = brazeConnection.get(shop);
        return row
          ? {
              endpoint: row.endpoint,
              sealedKey: row.sealedKey,
              connected: row.status === "connected",
              pausedReason: row.pausedReason,
            }
          : null;
      },
      dueDeliveries: (shop, kinds: readonly DeliveryKind[], statuses: readonly DeliveryStatus[], limit) => {
        const pairs = kinds.flatMap((kind) => statuses.map((status) => [kind, status] as const));
        const params: Record<string, unknown> = { shop, limit };
        pairs.forEach(([kind, status], n) => {
          params[`kind${n}`] = kind;
          params[`status${n}`] = status;
        });
        const rows = dueScan(pairs.length).all(params) as Array<
          Omit<DueDelivery, "firstAttemptAt"> & { firstAttemptAt: string | null }
        >;
        return rows.map((row) => ({ ...row, firstAttemptAt: parseTime(row.firstAttemptAt) }));
      },

      recordDelivered: (shop, worker, ids, status, response) =>
        db.transaction(() => {
          const { changes } = markDelivered.run({ shop, worker, ids: jsonList(ids), status, response });
          if (changes > 0) touchDelivered.run(shop);
          return changes;
        })(),
      recordRefused: (shop, worker, refused, status, response) =>
        db.transaction(() =>
          refused.reduce(
            (written, { id, reason }) =>
              written + markRefused.run({ shop, worker, id, reason, status, response }).changes,
            0,
          ),
        )(),
      recordRetries: (shop, worker, outcomes: RetryOutcome[], retrying, deadLetter) =>
        db.transaction(() =>
          outcomes.reduce(
            (written, outcome) =>
              written +
              markRetry.run({
                shop,
                worker,
                id: outcome.id,
                status: outcome.retryInMs === null ? deadLetter : retrying,
                attempts: outcome.attempts,
                firstAttemptAt: iso(outcome.firstAttemptAt),
                lastError: outcome.lastError,
                delay: seconds(outcome.retryInMs ?? 0),
              }).changes,
            0,
          ),
        )(),
      replacePayload: (shop, id, payload) => void replacePayload.run(payload, shop, id),
      identifyDelivery: (shop, id, from, identified) =>
        identifyDelivery.run({ ...identified, shop, id, from }).changes === 1,
      setRateLimited: (shop, forMs) => void setRateLimited.run(seconds(forMs), shop),
      markKeyRejected: (shop, sealedKey, reason) => void markKeyRejected.run(reason, shop, sealedKey),
      pauseDeliveries: (shop, forMs, reason) => void pauseDeliveries.run(seconds(forMs), reason, shop),
      resumeDeliveries: (shop) => void resumeDeliveries.run(shop),
    };
  }
}
