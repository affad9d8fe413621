// Pages of the activity log by received message. A message is an inbound message's Delivery rows (its event, its
// attribute update, the rows a retry added), or a row of its own when nothing was received (a Shopify privacy
// request's user deletion). Its anchor is its first row (the lowest id), so a message keeps its place in the log
// when a retry adds rows to it, and pages are cursors over anchors like they were over rows. A message is listed
// when any of its rows matches the filters. Raw SQL because "the first row of its message" compares a row with its
// siblings, which Prisma's filters cannot say; the statement is the same on both dialects.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { TEST_SOURCE } from "../outbox/test-events.server";
import { ATTRIBUTE_UPDATES, type ActivityFilters, type PageCursor } from "./filters";
import { sqlMoment } from "./sql-dialect.server";

const DAY_MS = 86_400_000;

export interface MessageAnchor {
  id: number;
  inboundId: string | null;
}

// What a row must match for its message to be listed (the filter bar's status, event and UTC days).
function rowMatches(filters: ActivityFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.statuses.length > 0) conditions.push(Prisma.sql`f."status" IN (${Prisma.join(filters.statuses)})`);
  // An event's attribute object carries the event's name too: filtering by an event shows everything it caused.
  if (filters.event === ATTRIBUTE_UPDATES) conditions.push(Prisma.sql`f."kind" = 'attributes'`);
  else if (filters.event) conditions.push(Prisma.sql`f."eventName" = ${filters.event}`);
  if (filters.from)
    conditions.push(Prisma.sql`f."createdAt" >= ${sqlMoment(new Date(`${filters.from}T00:00:00.000Z`))}`);
  if (filters.to) {
    const end = new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + DAY_MS);
    conditions.push(Prisma.sql`f."createdAt" < ${sqlMoment(end)}`);
  }
  return conditions;
}

// Up to `take` anchors next to the cursor, newest first.
export async function messageAnchors(
  shop: string,
  filters: ActivityFilters,
  cursor: PageCursor,
  take: number,
): Promise<MessageAnchor[]> {
  const conditions = [
    Prisma.sql`d."shop" = ${shop}`,
    Prisma.sql`(d."inboundId" IS NULL OR NOT EXISTS (
      SELECT 1 FROM "Delivery" e WHERE e."inboundId" = d."inboundId" AND e."id" < d."id"))`,
  ];
  const matches = rowMatches(filters);
  if (matches.length > 0) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "Delivery" f
      WHERE f."shop" = d."shop" AND (f."id" = d."id" OR f."inboundId" = d."inboundId")
        AND ${Prisma.join(matches, " AND ")})`);
  }
  if (filters.tests !== "shown") {
    conditions.push(Prisma.sql`NOT EXISTS (
      SELECT 1 FROM "InboundMessage" i WHERE i."id" = d."inboundId" AND i."source" = ${TEST_SOURCE})`);
  }
  const newer = "after" in cursor;
  if ("after" in cursor) conditions.push(Prisma.sql`d."id" > ${cursor.after}`);
  if ("before" in cursor) conditions.push(Prisma.sql`d."id" < ${cursor.before}`);

  const rows = await prisma.$queryRaw<{ id: number | bigint; inboundId: string | null }[]>(Prisma.sql`
    SELECT d."id", d."inboundId" FROM "Delivery" d
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY d."id" ${newer ? Prisma.sql`ASC` : Prisma.sql`DESC`}
    LIMIT ${take}`);
  const anchors = rows.map((row) => ({ id: Number(row.id), inboundId: row.inboundId }));
  return newer ? anchors.reverse() : anchors;
}
