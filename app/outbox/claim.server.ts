// A worker's turn at one shop: a lease on the shop row, so only one worker sends a shop's objects at a time
// (which keeps each user's objects in order) while different shops go out in parallel. Shops take turns,
// least recently served first, so one busy shop cannot starve the others. A worker that dies keeps its turn
// only until the lease expires.
//
// Queries are composed with one Prisma.sql and handed whole to whichever client runs them: the Postgres client
// is generated separately and does not accept the SQLite client's fragments nested in its own templates.
import { Prisma } from "@prisma/client";
import prisma, { dialect } from "../db.server";

// A row worth sending now: due, and not held back behind an earlier row of the same user that waits for a retry
// (a user's objects reach Braze in the order received). Claims use the same rule as the batch query; a shop
// claimed for a row the batch query would skip would be claimed again and again without sending anything.
function sendable(now: Date) {
  return Prisma.sql`d."status" IN ('queued', 'retrying') AND d."nextAttemptAt" <= ${now}
    AND (d."kind" = 'delete' OR NOT EXISTS (
      SELECT 1 FROM "Delivery" e WHERE e."shop" = d."shop" AND e."customerKey" = d."customerKey" AND e."id" < d."id"
        AND e."status" IN ('queued', 'retrying') AND e."nextAttemptAt" > ${now}))`;
}

function nextShop(now: Date, lock: Prisma.Sql) {
  return Prisma.sql`
    SELECT s."domain" FROM "Shop" s
    WHERE s."connectionStatus" = 'connected'
      AND (s."deliveryLeaseUntil" IS NULL OR s."deliveryLeaseUntil" < ${now})
      AND (s."rateLimitedUntil" IS NULL OR s."rateLimitedUntil" <= ${now})
      AND EXISTS (SELECT 1 FROM "Delivery" d WHERE d."shop" = s."domain" AND ${sendable(now)})
    ORDER BY s."lastTurnAt" ASC NULLS FIRST
    LIMIT 1 ${lock}`;
}

export async function claimTurn(workerId: string, leaseMs: number): Promise<string | null> {
  const now = new Date();
  const lease = {
    deliveryLeaseOwner: workerId,
    deliveryLeaseUntil: new Date(now.getTime() + leaseMs),
    lastTurnAt: now,
  };

  if (dialect === "postgres") {
    // Several worker processes: SKIP LOCKED lets each take a different shop without waiting on the others.
    return prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ domain: string }[]>(nextShop(now, Prisma.raw("FOR UPDATE OF s SKIP LOCKED")));
      if (!row) return null;
      await tx.shop.update({ where: { domain: row.domain }, data: lease });
      return row.domain;
    });
  }

  // SQLite has one writer at a time, so a conditional update is the claim: it succeeds for exactly one worker.
  const [candidate] = await prisma.$queryRaw<{ domain: string }[]>(nextShop(now, Prisma.empty));
  if (!candidate) return null;
  const { count } = await prisma.shop.updateMany({
    where: { domain: candidate.domain, OR: [{ deliveryLeaseUntil: null }, { deliveryLeaseUntil: { lt: now } }] },
    data: lease,
  });
  return count === 1 ? candidate.domain : null;
}

export async function releaseTurn(shop: string, workerId: string) {
  await prisma.shop.updateMany({
    where: { domain: shop, deliveryLeaseOwner: workerId },
    data: { deliveryLeaseOwner: null, deliveryLeaseUntil: null },
  });
}

export interface DueDelivery {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  firstAttemptAt: Date | null;
}

// The shop's next objects to send, oldest first: Braze objects for /users/track, or user deletions.
//
// Performance (measured by `npm run bench`): one id-ordered scan per (kind, status) over the
// Delivery(shop, kind, status, id) index, each stopping after `limit` rows, merged by id. A single query with
// `kind IN (…) AND status IN (…) ORDER BY id` has to collect and sort every due row of the shop for each batch,
// which made a drain quadratic in the backlog (≈ 30 ms per batch, and as much again for the deletion probe, at
// 6,000 queued rows per shop; under 1 ms this way). SQLite's planner, left alone, still picks the
// (shop, status, nextAttemptAt) index for the `nextAttemptAt <= now` range, hence INDEXED BY on SQLite.
export async function dueDeliveries(shop: string, kind: "track" | "delete", limit: number): Promise<DueDelivery[]> {
  const now = new Date();
  const index = dialect === "sqlite" ? Prisma.raw(`INDEXED BY "Delivery_shop_kind_status_id_idx"`) : Prisma.empty;
  const oldest = (rowKind: string, status: string) => Prisma.sql`
    SELECT * FROM (
      SELECT d."id", d."kind", d."payload", d."attempts", d."firstAttemptAt" FROM "Delivery" d ${index}
      WHERE d."shop" = ${shop} AND d."kind" = ${rowKind} AND d."status" = ${status} AND ${sendable(now)}
      ORDER BY d."id" LIMIT ${limit}) AS ${Prisma.raw(`${rowKind}_${status}`)}`;
  const kinds = kind === "track" ? ["event", "attributes"] : ["delete"];
  const scans = kinds.flatMap((rowKind) => ["queued", "retrying"].map((status) => oldest(rowKind, status)));
  const rows = await prisma.$queryRaw<DueDelivery[]>(
    Prisma.sql`${Prisma.join(scans, " UNION ALL ")} ORDER BY "id" LIMIT ${limit}`,
  );
  // Drivers differ on integer and date types; normalize once here.
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    firstAttemptAt: row.firstAttemptAt ? new Date(row.firstAttemptAt) : null,
  }));
}
