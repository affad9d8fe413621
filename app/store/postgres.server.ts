// The hot path's statements on Postgres, as named prepared statements on pg (prepared once per pooled connection;
// see statements.ts). Units of work run on one pooled connection between BEGIN and COMMIT. Concurrency comes
// from Postgres itself: row locks serialize what must be serialized (a customer's totals, a shop's turn) and
// SKIP LOCKED lets several worker processes take different shops.
//
// Times are `timestamp(3)` columns holding UTC, as Prisma writes them; the database's clock (NOW below) decides
// leases and due times, so hosts whose clocks differ still agree.
import pg from "pg";
import type { DeliveryKind, DeliveryStatus } from "../outbox/delivery-status";
import type {
  BrazeConnectionRow,
  DueDelivery,
  IngressShop,
  NewDelivery,
  NewInbound,
  RetryOutcome,
  Statements,
} from "./statements";
import { SENDABLE_SQL, WORKABLE_SQL } from "./status-lists";
import { runAsync, type AsyncTxStatements, type Work } from "./unit-of-work";

const NOW = `(now() AT TIME ZONE 'UTC')`;
const nowPlusMs = (param: string) => `(${NOW} + ${param}::double precision * interval '1 millisecond')`;
// A timestamp without time zone ignores any zone in its literal, so dates travel as UTC text.
const utc = (date: Date) => date.toISOString();

type Queryable = pg.Pool | pg.PoolClient;
type AsyncStatements = {
  [K in keyof Statements]: (...args: Parameters<Statements[K]>) => Promise<ReturnType<Statements[K]>>;
};

// pg reads `timestamp without time zone` as local time; these columns hold UTC.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.TIMESTAMP
      ? (text: string) => new Date(`${text.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

// A named statement's text must be the same wherever the name is used.
const TOP_SENTIMENT = `SELECT "sentiment" FROM "CustomerReviewSentiment" WHERE "shop" = $1 AND "customerKey" = $2
  ORDER BY "count" DESC, "lastReview" DESC LIMIT 1`;

async function rows<T>(db: Queryable, name: string, text: string, values: unknown[]): Promise<T[]> {
  return (await db.query<T & pg.QueryResultRow>({ name, text, values })).rows;
}

async function count(db: Queryable, name: string, text: string, values: unknown[]): Promise<number> {
  return (await db.query({ name, text, values })).rowCount ?? 0;
}

export class PostgresStore {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly s: AsyncStatements;

  constructor(connectionString: string, max: number) {
    // Named statements are parsed once per connection but planned on every run (custom plans). Left to itself,
    // Postgres switches a statement to a generic plan after five runs and keeps it: a worker that starts polling an
    // empty Delivery table kept a claim plan that checks every queued row of every shop, and once a 50k backlog
    // arrived one claim ran for minutes (the bench, issue 9); planned afresh, the same claim takes 2–3 ms.
    this.pool = new pg.Pool({ connectionString, max, types, options: "-c plan_cache_mode=force_custom_plan" });
    this.s = statements(this.pool);
  }

  close() {
    return this.pool.end();
  }

  async transact<T>(work: Work<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await runAsync(work, txStatements(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  // Postgres commits concurrent transactions itself; there is nothing to gain from grouping them here.
  transactGrouped<T>(work: Work<T>): Promise<T> {
    return this.transact(work);
  }

  run<K extends keyof Statements>(name: K, ...args: Parameters<Statements[K]>): Promise<ReturnType<Statements[K]>> {
    const statement = this.s[name] as (...args: unknown[]) => Promise<ReturnType<Statements[K]>>;
    return statement(...args);
  }
}

const INSERT_DELIVERY_COLUMNS = `"shop" text, "inboundId" text, "kind" text, "eventName" text, "identifierType" text,
  "customerKey" text, "customerEmail" text, "shopifyCustomerId" text, "payload" text, "note" text, "status" text,
  "lastError" text`;

function txStatements(db: pg.PoolClient): AsyncTxStatements {
  return {
    insertInbound: async (row: NewInbound) => {
      const [inserted] = await rows<{ id: string }>(
        db,
        "insert-inbound",
        `INSERT INTO "InboundMessage" ("id", "shop", "source", "topic", "dedupeKey", "receivedAt", "payload", "status", "note")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT ("shop", "source", "dedupeKey") DO NOTHING RETURNING "id"`,
        [
          crypto.randomUUID(),
          row.shop,
          row.source,
          row.topic,
          row.dedupeKey,
          utc(row.receivedAt),
          row.payload,
          row.status,
          row.note,
        ],
      );
      return inserted?.id ?? null;
    },
    insertDeliveries: async (deliveries: NewDelivery[]) => {
      if (deliveries.length === 0) return;
      await db.query({
        name: "insert-deliveries",
        text: `INSERT INTO "Delivery" ("shop", "inboundId", "kind", "eventName", "identifierType", "customerKey",
                 "customerEmail", "shopifyCustomerId", "payload", "note", "status", "lastError", "attempts",
                 "nextAttemptAt", "createdAt")
               SELECT r.*, 0, ${NOW}, ${NOW} FROM json_to_recordset($1::json) AS r(${INSERT_DELIVERY_COLUMNS})`,
        values: [JSON.stringify(deliveries)],
      });
    },
    knowReview: async (shop, reviewId, customerKey, source, at) =>
      (await count(
        db,
        "know-review",
        `INSERT INTO "KnownReview" ("shop", "reviewId", "customerKey", "source", "firstSeenAt") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("shop", "reviewId") DO NOTHING`,
        [shop, reviewId, customerKey, source, utc(at)],
      )) === 1,
    // The upsert takes the customer's row lock until commit, so concurrent reviews of one customer add up.
    foldReview: async (shop, customerKey, rating, sentiment, at) => {
      const [totals] = await rows<{ reviewCount: number; reviewRatingSum: number }>(
        db,
        "fold-review",
        `INSERT INTO "CustomerState" ("shop", "customerKey", "reviewCount", "reviewRatingSum", "updatedAt")
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT ("shop", "customerKey") DO UPDATE SET "reviewCount" = "CustomerState"."reviewCount" + 1,
           "reviewRatingSum" = "CustomerState"."reviewRatingSum" + excluded."reviewRatingSum", "updatedAt" = excluded."updatedAt"
         RETURNING "reviewCount", "reviewRatingSum"`,
        [shop, customerKey, rating, utc(at)],
      );
      if (sentiment) {
        await db.query({
          name: "count-sentiment",
          text: `INSERT INTO "CustomerReviewSentiment" ("shop", "customerKey", "sentiment", "count", "lastReview")
                 VALUES ($1, $2, $3, 1, $4)
                 ON CONFLICT ("shop", "customerKey", "sentiment") DO UPDATE
                 SET "count" = "CustomerReviewSentiment"."count" + 1, "lastReview" = excluded."lastReview"`,
          values: [shop, customerKey, sentiment, totals!.reviewCount],
        });
      }
      const [top] = await rows<{ sentiment: string }>(db, "top-sentiment", TOP_SENTIMENT, [shop, customerKey]);
      return { count: totals!.reviewCount, ratingSum: totals!.reviewRatingSum, sentiment: top?.sentiment ?? null };
    },
    reviewTotals: async (shop, customerKey) => {
      const [totals] = await rows<{ reviewCount: number; reviewRatingSum: number }>(
        db,
        "review-totals",
        `SELECT "reviewCount", "reviewRatingSum" FROM "CustomerState" WHERE "shop" = $1 AND "customerKey" = $2`,
        [shop, customerKey],
      );
      const [top] = await rows<{ sentiment: string }>(db, "top-sentiment", TOP_SENTIMENT, [shop, customerKey]);
      return {
        count: totals?.reviewCount ?? 0,
        ratingSum: totals?.reviewRatingSum ?? 0,
        sentiment: top?.sentiment ?? null,
      };
    },
    // Make sure the row exists, then lock it: a concurrent update of the same customer waits for this one.
    swapLoyaltyTier: async (shop, customerKey, tier, at) => {
      await db.query({
        name: "ensure-customer-state",
        text: `INSERT INTO "CustomerState" ("shop", "customerKey", "updatedAt") VALUES ($1, $2, $3)
               ON CONFLICT ("shop", "customerKey") DO NOTHING`,
        values: [shop, customerKey, utc(at)],
      });
      const [previous] = await rows<{ loyaltyTier: string | null }>(
        db,
        "lock-loyalty-tier",
        `SELECT "loyaltyTier" FROM "CustomerState" WHERE "shop" = $1 AND "customerKey" = $2 FOR UPDATE`,
        [shop, customerKey],
      );
      await db.query({
        name: "set-loyalty-tier",
        text: `UPDATE "CustomerState" SET "loyaltyTier" = $3, "updatedAt" = $4 WHERE "shop" = $1 AND "customerKey" = $2`,
        values: [shop, customerKey, tier, utc(at)],
      });
      return previous?.loyaltyTier ?? null;
    },
    countEvents: async (shop, counts, day, at) => {
      for (const [eventName, n] of counts) {
        await db.query({
          name: "count-event",
          text: `INSERT INTO "EventDailyCount" ("shop", "eventName", "day", "count", "lastReceivedAt") VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT ("shop", "eventName", "day") DO UPDATE SET "count" = "EventDailyCount"."count" + excluded."count",
                   "lastReceivedAt" = GREATEST("EventDailyCount"."lastReceivedAt", excluded."lastReceivedAt")`,
          values: [shop, eventName, day, n, utc(at)],
        });
      }
    },
    moveDelivery: async (shop, id, from, to) =>
      (await count(
        db,
        "move-delivery",
        `UPDATE "Delivery" SET "status" = $4 WHERE "shop" = $1 AND "id" = $2 AND "status" = $3`,
        [shop, id, from, to],
      )) === 1,
    takeDelivery: async (shop, id, status) =>
      (await count(db, "take-delivery", `DELETE FROM "Delivery" WHERE "shop" = $1 AND "id" = $2 AND "status" = $3`, [
        shop,
        id,
        status,
      ])) === 1,
    touchSubscription: async (shop, topic, at) => {
      await db.query({
        name: "touch-subscription",
        text: `UPDATE "OkendoSubscription" SET "lastDeliveryAt" = $3 WHERE "shop" = $1 AND "topic" = $2`,
        values: [shop, topic, utc(at)],
      });
    },
    markInboundMapped: async (shop, inboundId) => {
      await db.query({
        name: "mark-inbound-mapped",
        text: `UPDATE "InboundMessage" SET "status" = 'mapped', "note" = NULL WHERE "shop" = $1 AND "id" = $2`,
        values: [shop, inboundId],
      });
    },
  };
}

// See sqlite.server.ts for why claims and batches share this rule.
const due = (d: string) => `${d}."nextAttemptAt" <= ${NOW}
  AND (${d}."kind" = 'delete' OR ${d}."customerKey" = '' OR NOT EXISTS (
    SELECT 1 FROM "Delivery" e WHERE e."shop" = ${d}."shop" AND e."customerKey" = ${d}."customerKey" AND e."id" < ${d}."id"
      AND e."status" IN (${SENDABLE_SQL}) AND e."nextAttemptAt" > ${NOW}))`;

const leaseHeld = (shop: string, worker: string) => `EXISTS (SELECT 1 FROM "Shop" WHERE "domain" = ${shop}
  AND "deliveryLeaseOwner" = ${worker} AND "deliveryLeaseUntil" > ${NOW})`;

function statements(db: pg.Pool): AsyncStatements {
  return {
    shopForIngress: async (webhookId): Promise<IngressShop | null> => {
      const [row] = await rows<{
        domain: string;
        identifyByCustomerId: boolean;
        uninstalledAt: Date | null;
        current: string | null;
        okendo: string | null;
        previous: string | null;
        sequencesToken: string | null;
      }>(
        db,
        "shop-for-ingress",
        `SELECT "domain", "identifyByCustomerId", "uninstalledAt", "okendoSecretEncrypted" AS "current",
           "okendoProvidedSecretEncrypted" AS "okendo", "sequencesTokenEncrypted" AS "sequencesToken",
           CASE WHEN "previousSecretExpiresAt" > ${NOW} THEN "previousSecretEncrypted" END AS "previous"
         FROM "Shop" WHERE "okendoWebhookId" = $1`,
        [webhookId],
      );
      if (!row?.current) return null;
      const subscriptionSecrets = await rows<{ topic: string; sealed: string }>(
        db,
        "subscription-secrets",
        `SELECT "topic", "secretEncrypted" AS "sealed" FROM "OkendoSubscription" WHERE "shop" = $1`,
        [row.domain],
      );
      return {
        domain: row.domain,
        identifyByCustomerId: row.identifyByCustomerId,
        uninstalled: row.uninstalledAt !== null,
        signingSecrets: [row.current, row.okendo, row.previous].filter((value): value is string => Boolean(value)),
        subscriptionSecrets,
        sequencesToken: row.sequencesToken,
      };
    },
    switchedOffEvents: async (shop) =>
      (
        await rows<{ eventName: string }>(
          db,
          "switched-off-events",
          `SELECT "eventName" FROM "EventSetting" WHERE "shop" = $1 AND NOT "enabled"`,
          [shop],
        )
      ).map((row) => row.eventName),
    cachedCustomerId: async (shop, email) =>
      (
        await rows<{ customerId: string }>(
          db,
          "cached-customer-id",
          `SELECT "customerId" FROM "ShopifyCustomer" WHERE "shop" = $1 AND "email" = $2 ORDER BY "updatedAt" DESC LIMIT 1`,
          [shop, email],
        )
      )[0]?.customerId ?? null,
    cachedEmail: async (shop, customerId) =>
      (
        await rows<{ email: string | null }>(
          db,
          "cached-email",
          `SELECT "email" FROM "ShopifyCustomer" WHERE "shop" = $1 AND "customerId" = $2`,
          [shop, customerId],
        )
      )[0]?.email ?? null,

    // Several worker processes: SKIP LOCKED lets each take a different shop without waiting on the others.
    claimTurn: async (worker, leaseMs) =>
      (
        await rows<{ domain: string }>(
          db,
          "claim-turn",
          `WITH next AS (
             SELECT s."domain" FROM "Shop" s
             WHERE s."connectionStatus" = 'connected' AND s."uninstalledAt" IS NULL
               AND (s."deliveryLeaseUntil" IS NULL OR s."deliveryLeaseUntil" < ${NOW})
               AND (s."rateLimitedUntil" IS NULL OR s."rateLimitedUntil" <= ${NOW})
               AND (s."deliveryPausedUntil" IS NULL OR s."deliveryPausedUntil" <= ${NOW})
               AND EXISTS (SELECT 1 FROM "Delivery" d WHERE d."shop" = s."domain" AND d."status" IN (${WORKABLE_SQL}) AND ${due("d")})
             ORDER BY s."lastTurnAt" ASC NULLS FIRST LIMIT 1
             FOR UPDATE OF s SKIP LOCKED)
           UPDATE "Shop" SET "deliveryLeaseOwner" = $1, "deliveryLeaseUntil" = ${nowPlusMs("$2")}, "lastTurnAt" = ${NOW}
           FROM next WHERE "Shop"."domain" = next."domain"
           RETURNING "Shop"."domain"`,
          [worker, leaseMs],
        )
      )[0]?.domain ?? null,
    extendTurn: async (shop, worker, leaseMs) =>
      (await count(
        db,
        "extend-turn",
        `UPDATE "Shop" SET "deliveryLeaseUntil" = ${nowPlusMs("$3")}
         WHERE "domain" = $1 AND "deliveryLeaseOwner" = $2 AND "deliveryLeaseUntil" > ${NOW}`,
        [shop, worker, leaseMs],
      )) === 1,
    releaseTurn: async (shop, worker) => {
      await db.query({
        name: "release-turn",
        text: `UPDATE "Shop" SET "deliveryLeaseOwner" = NULL, "deliveryLeaseUntil" = NULL
               WHERE "domain" = $1 AND "deliveryLeaseOwner" = $2`,
        values: [shop, worker],
      });
    },
    brazeConnection: async (shop): Promise<BrazeConnectionRow | null> => {
      const [row] = await rows<{
        endpoint: string | null;
        sealedKey: string | null;
        status: string;
        pausedReason: string | null;
      }>(
        db,
        "braze-connection",
        `SELECT "brazeEndpoint" AS "endpoint", "brazeApiKeyEncrypted" AS "sealedKey", "connectionStatus" AS "status",
         "deliveryPausedReason" AS "pausedReason"
         FROM "Shop" WHERE "domain" = $1`,
        [shop],
      );
      return row
        ? {
            endpoint: row.endpoint,
            sealedKey: row.sealedKey,
            connected: row.status === "connected",
            pausedReason: row.pausedReason,
          }
        : null;
    },
    // One id-ordered scan per (kind, status), merged by id: see sqlite.server.ts.
    dueDeliveries: async (shop, kinds: readonly DeliveryKind[], statuses: readonly DeliveryStatus[], limit) => {
      const pairs = kinds.flatMap((kind) => statuses.map((status) => [kind, status] as const));
      const scan = (n: number) => `SELECT * FROM (
          SELECT d."id", d."kind", d."payload", d."attempts", d."firstAttemptAt", d."customerEmail", d."inboundId",
            d."eventName", d."note"
          FROM "Delivery" d
          WHERE d."shop" = $1 AND d."kind" = $${3 + 2 * n} AND d."status" = $${4 + 2 * n} AND ${due("d")}
          ORDER BY d."id" LIMIT $2) AS scan${n}`;
      const text = `${pairs.map((_, n) => scan(n)).join(" UNION ALL ")} ORDER BY "id" LIMIT $2`;
      return rows<DueDelivery>(db, `due-deliveries-${pairs.length}`, text, [shop, limit, ...pairs.flat()]);
    },

    recordDelivered: async (shop, worker, ids, status, response) => {
      const written = await count(
        db,
        "record-delivered",
        `UPDATE "Delivery" SET "status" = $3, "deliveredAt" = ${NOW}, "attempts" = "attempts" + 1,
           "brazeResponse" = $4, "lastError" = NULL
         WHERE "shop" = $1 AND "id" = ANY($5::int[]) AND ${leaseHeld("$1", "$2")}`,
        [shop, worker, status, response, ids],
      );
      if (written > 0) {
        await db.query({
          name: "touch-delivered",
          text: `UPDATE "Shop" SET "lastDeliveredAt" = ${NOW} WHERE "domain" = $1`,
          values: [shop],
        });
      }
      return written;
    },
    recordRefused: async (shop, worker, refused, status, response) =>
      count(
        db,
        "record-refused",
        `UPDATE "Delivery" d SET "status" = $3, "attempts" = d."attempts" + 1, "lastError" = r."reason",
           "brazeResponse" = coalesce($4, d."brazeResponse")
         FROM json_to_recordset($5::json) AS r("id" int, "reason" text)
         WHERE d."shop" = $1 AND d."id" = r."id" AND ${leaseHeld("$1", "$2")}`,
        [shop, worker, status, response, JSON.stringify(refused)],
      ),
    recordRetries: async (shop, worker, outcomes: RetryOutcome[], retrying, deadLetter) =>
      count(
        db,
        "record-retries",
        `UPDATE "Delivery" d SET "status" = CASE WHEN r."retryInMs" IS NULL THEN $4 ELSE $3 END,
           "attempts" = r."attempts", "firstAttemptAt" = r."firstAttemptAt", "lastError" = r."lastError",
           "nextAttemptAt" = ${NOW} + coalesce(r."retryInMs", 0) * interval '1 millisecond'
         FROM json_to_recordset($5::json)
           AS r("id" int, "attempts" int, "firstAttemptAt" timestamp, "lastError" text, "retryInMs" double precision)
         WHERE d."shop" = $1 AND d."id" = r."id" AND ${leaseHeld("$1", "$2")}`,
        [
          shop,
          worker,
          retrying,
          deadLetter,
          JSON.stringify(outcomes.map((o) => ({ ...o, firstAttemptAt: utc(o.firstAttemptAt) }))),
        ],
      ),
    identifyDelivery: async (shop, id, from, identified) =>
      (await count(
        db,
        "identify-delivery",
        `UPDATE "Delivery" SET "identifierType" = $4, "customerKey" = $5,
           "shopifyCustomerId" = coalesce($6, "shopifyCustomerId"), "payload" = $7, "note" = $8, "status" = $9
         WHERE "shop" = $1 AND "id" = $2 AND "status" = $3`,
        [
          shop,
          id,
          from,
          identified.identifierType,
          identified.customerKey,
          identified.shopifyCustomerId,
          identified.payload,
          identified.note,
          identified.status,
        ],
      )) === 1,
    replacePayload: async (shop, id, payload) => {
      await db.query({
        name: "replace-payload",
        text: `UPDATE "Delivery" SET "payload" = $3 WHERE "shop" = $1 AND "id" = $2`,
        values: [shop, id, payload],
      });
    },
    setRateLimited: async (shop, forMs) => {
      await db.query({
        name: "set-rate-limited",
        text: `UPDATE "Shop" SET "rateLimitedUntil" = ${nowPlusMs("$2")} WHERE "domain" = $1`,
        values: [shop, forMs],
      });
    },
    markKeyRejected: async (shop, sealedKey, reason) => {
      await db.query({
        name: "mark-key-rejected",
        text: `UPDATE "Shop" SET "connectionStatus" = 'broken', "connectionError" = $3
               WHERE "domain" = $1 AND "brazeApiKeyEncrypted" = $2`,
        values: [shop, sealedKey, reason],
      });
    },
    pauseDeliveries: async (shop, forMs, reason) => {
      await db.query({
        name: "pause-deliveries",
        text: `UPDATE "Shop" SET "deliveryPausedUntil" = ${nowPlusMs("$2")}, "deliveryPausedReason" = $3 WHERE "domain" = $1`,
        values: [shop, forMs, reason],
      });
    },
    resumeDeliveries: async (shop) => {
      await db.query({
        name: "resume-deliveries",
        text: `UPDATE "Shop" SET "deliveryPausedUntil" = NULL, "deliveryPausedReason" = NULL
               WHERE "domain" = $1 AND "deliveryPausedReason" IS NOT NULL`,
        values: [shop],
      });
    },
  };
}
