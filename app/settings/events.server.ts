// The Events table on the home page: a per-shop on/off switch for each catalog event, and what the shop received of
// each (last received, and a count per day of the last 7 days for its trend line).
// A switched-off event is still accepted (the sender gets its 2xx and the merchant sees it in the activity
// log) but its rows are stored as "skipped" and never sent. Received counts are kept per UTC day in
// EventDailyCount, written by the accepting transaction (app/outbox/accept.server.ts), so they outlive the outbox's
// retention.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { CATALOG } from "../catalog/events";
import { PRODUCT_GROUPS, isCatalogEventName, type CatalogEventName, type ProductGroup } from "../catalog/names";

type Db = Prisma.TransactionClient | typeof prisma;

export const RECENT_DAYS = 7;

export interface EventRowView {
  name: CatalogEventName;
  description: string;
  enabled: boolean;
  lastReceivedAt: string | null;
  receivedLast7Days: number;
  trend: number[]; // received per UTC day, the last 7 days, oldest first
}

export interface EventsCardView {
  groups: { group: ProductGroup; events: EventRowView[] }[];
}

// The UTC calendar day a moment falls on, as stored in EventDailyCount.day.
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

// The days counted as "the last 7 days": today (UTC) and the six before it.
export function recentDays(now: Date, days = RECENT_DAYS): string[] {
  return Array.from({ length: days }, (_, back) => utcDay(new Date(now.getTime() - back * 86_400_000)));
}

export async function switchedOffEvents(db: Db, shop: string): Promise<Set<string>> {
  const rows = await db.eventSetting.findMany({ where: { shop, enabled: false }, select: { eventName: true } });
  return new Set(rows.map((row) => row.eventName));
}

export async function setEventEnabled(shop: string, eventName: string, enabled: boolean): Promise<boolean> {
  if (!isCatalogEventName(eventName)) return false;
  await prisma.eventSetting.upsert({
    where: { shop_eventName: { shop, eventName } },
    create: { shop, eventName, enabled },
    update: { enabled },
  });
  return true;
}

export async function eventsCardView(shop: string, now = new Date()): Promise<EventsCardView> {
  const days = recentDays(now).reverse();
  const [off, lastReceived, recent] = await Promise.all([
    switchedOffEvents(prisma, shop),
    prisma.eventDailyCount.groupBy({ by: ["eventName"], where: { shop }, _max: { lastReceivedAt: true } }),
    prisma.eventDailyCount.findMany({
      where: { shop, day: { in: days } },
      select: { eventName: true, day: true, count: true },
    }),
  ]);
  const lastByName = new Map(lastReceived.map((row) => [row.eventName, row._max.lastReceivedAt]));
  const trendOf = (name: string) =>
    days.map((day) => recent.find((row) => row.eventName === name && row.day === day)?.count ?? 0);
  return {
    groups: PRODUCT_GROUPS.map((group) => ({
      group,
      events: CATALOG.filter((entry) => entry.group === group).map((entry) => {
        const trend = trendOf(entry.name);
        return {
          name: entry.name,
          description: entry.description,
          enabled: !off.has(entry.name),
          lastReceivedAt: lastByName.get(entry.name)?.toISOString() ?? null,
          receivedLast7Days: trend.reduce((sum, count) => sum + count, 0),
          trend,
        };
      }),
    })),
  };
}
