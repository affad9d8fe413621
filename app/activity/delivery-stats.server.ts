// Deliveries over time, for the home page: the Braze objects of the last 24 hours by outcome, and the last 14 UTC
// days by the day they were received, delivered against failed. Read from the Delivery table (the outbox keeps
// finished rows for DELIVERY_RETENTION_DAYS, 30 by default, longer than the chart looks back). Counted per Braze
// object (an event and its attribute update are two), test events included: both are what Braze was asked to take.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { DeliveryKind, DeliveryStatus } from "../outbox/delivery-status";
import { sqlMoment, sqlUtcDay } from "./sql-dialect.server";

const DAY_MS = 86_400_000;
export const CHART_DAYS = 14;

// Braze objects (not unmapped messages, which have nothing to send).
const BRAZE_OBJECTS = [DeliveryKind.event, DeliveryKind.attributes, DeliveryKind.delete];

export interface RecentDeliveries {
  delivered: number;
  retrying: number; // on their way: queued, waiting for an identity, or retrying
  failed: number; // failed or dead letter
}

export interface DailyDeliveries {
  day: string; // YYYY-MM-DD, UTC
  delivered: number;
  failed: number;
}

export interface DeliveryStatsView {
  last24Hours: RecentDeliveries;
  days: DailyDeliveries[];
}

type Outcome = keyof RecentDeliveries | null;

function outcomeOf(status: string): Outcome {
  switch (status) {
    case DeliveryStatus.delivered:
      return "delivered";
    case DeliveryStatus.queued:
    case DeliveryStatus.waitingIdentity:
    case DeliveryStatus.retrying:
      return "retrying";
    case DeliveryStatus.failed:
    case DeliveryStatus.deadLetter:
      return "failed";
    default:
      return null; // skipped, replayed, cancelled: nothing was asked of Braze, or it was asked again as a new row
  }
}

// The UTC days the chart shows, oldest first, ending today.
export function chartDays(now: Date, days = CHART_DAYS): string[] {
  return Array.from({ length: days }, (_, index) =>
    new Date(now.getTime() - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
}

export async function deliveryStatsView(shop: string, now = new Date()): Promise<DeliveryStatsView> {
  const days = chartDays(now);
  const since = new Date(`${days[0]}T00:00:00.000Z`);
  const [recent, daily] = await Promise.all([
    prisma.delivery.groupBy({
      by: ["status"],
      where: { shop, kind: { in: BRAZE_OBJECTS }, createdAt: { gte: new Date(now.getTime() - DAY_MS) } },
      _count: { _all: true },
    }),
    prisma.$queryRaw<{ day: string; status: string; count: number | bigint }[]>(Prisma.sql`
      SELECT ${sqlUtcDay(Prisma.sql`"createdAt"`)} AS "day", "status", COUNT(*) AS "count"
      FROM "Delivery"
      WHERE "shop" = ${shop} AND "kind" IN (${Prisma.join(BRAZE_OBJECTS)}) AND "createdAt" >= ${sqlMoment(since)}
      GROUP BY 1, 2`),
  ]);

  const last24Hours: RecentDeliveries = { delivered: 0, retrying: 0, failed: 0 };
  for (const row of recent) {
    const outcome = outcomeOf(row.status);
    if (outcome) last24Hours[outcome] += row._count._all;
  }
  const byDay = new Map(days.map((day) => [day, { day, delivered: 0, failed: 0 }]));
  for (const row of daily) {
    const outcome = outcomeOf(row.status);
    const entry = byDay.get(row.day);
    if (entry && (outcome === "delivered" || outcome === "failed")) entry[outcome] += Number(row.count);
  }
  return { last24Hours, days: [...byDay.values()] };
}
