// A worker's turn at one shop: a lease on the shop row, so only one worker sends a shop's objects at a time
// (which keeps each user's objects in order) while different shops go out in parallel. Shops take turns,
// least recently served first, so one busy shop cannot starve the others. A worker that dies keeps its turn
// only until the lease expires.
import prisma, { dialect } from "../db.server";

const DUE_STATUSES = ["queued", "retrying"];

export async function claimTurn(workerId: string, leaseMs: number): Promise<string | null> {
  const now = new Date();
  const lease = { deliveryLeaseOwner: workerId, deliveryLeaseUntil: new Date(now.getTime() + leaseMs), lastTurnAt: now };

  if (dialect === "postgres") {
    // Several worker processes: SKIP LOCKED lets each take a different shop without waiting on the others.
    return prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ domain: string }[]>`
        SELECT s."domain" FROM "Shop" s
        WHERE s."connectionStatus" = 'connected'
          AND (s."deliveryLeaseUntil" IS NULL OR s."deliveryLeaseUntil" < ${now})
          AND (s."rateLimitedUntil" IS NULL OR s."rateLimitedUntil" <= ${now})
          AND EXISTS (SELECT 1 FROM "Delivery" d WHERE d."shop" = s."domain"
                      AND d."status" IN ('queued', 'retrying') AND d."nextAttemptAt" <= ${now})
        ORDER BY s."lastTurnAt" ASC NULLS FIRST
        LIMIT 1
        FOR UPDATE OF s SKIP LOCKED`;
      if (!row) return null;
      await tx.shop.update({ where: { domain: row.domain }, data: lease });
      return row.domain;
    });
  }

  // SQLite has one writer at a time, so a conditional update is the claim: it succeeds for exactly one worker.
  const candidate = await prisma.shop.findFirst({
    where: {
      connectionStatus: "connected",
      OR: [{ deliveryLeaseUntil: null }, { deliveryLeaseUntil: { lt: now } }],
      AND: [{ OR: [{ rateLimitedUntil: null }, { rateLimitedUntil: { lte: now } }] }],
      deliveries: { some: { status: { in: DUE_STATUSES }, nextAttemptAt: { lte: now } } },
    },
    orderBy: { lastTurnAt: { sort: "asc", nulls: "first" } },
    select: { domain: true },
  });
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

// The shop's next objects, oldest first, skipping any whose user still has an earlier object waiting for a
// retry: a user's objects reach Braze in the order they were received.
export async function dueDeliveries(shop: string, kind: "track" | "delete", limit: number): Promise<DueDelivery[]> {
  const now = new Date();
  const rows =
    kind === "track"
      ? await prisma.$queryRaw<DueDelivery[]>`
          SELECT d."id", d."kind", d."payload", d."attempts", d."firstAttemptAt" FROM "Delivery" d
          WHERE d."shop" = ${shop} AND d."status" IN ('queued', 'retrying') AND d."nextAttemptAt" <= ${now}
            AND d."kind" IN ('event', 'attributes')
            AND NOT EXISTS (SELECT 1 FROM "Delivery" e WHERE e."shop" = d."shop" AND e."customerKey" = d."customerKey"
                            AND e."id" < d."id" AND e."status" IN ('queued', 'retrying') AND e."nextAttemptAt" > ${now})
          ORDER BY d."id" LIMIT ${limit}`
      : await prisma.$queryRaw<DueDelivery[]>`
          SELECT d."id", d."kind", d."payload", d."attempts", d."firstAttemptAt" FROM "Delivery" d
          WHERE d."shop" = ${shop} AND d."status" IN ('queued', 'retrying') AND d."nextAttemptAt" <= ${now}
            AND d."kind" = 'delete'
          ORDER BY d."id" LIMIT ${limit}`;
  // Drivers differ on integer and date types; normalize once here.
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    firstAttemptAt: row.firstAttemptAt ? new Date(row.firstAttemptAt) : null,
  }));
}
