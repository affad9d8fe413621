// Retention: the worker prunes delivered (and skipped, and replayed) rows older than DELIVERY_RETENTION_DAYS, in chunks, with the
// inbound messages left without rows. Everything that still matters is kept whatever its age, and the Events card's
// daily counts outlive the rows they counted.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Prisma, PrismaClient } from "@prisma/client";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { openDatabase } from "../support/shopify.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

let app: AppServer;
let db: PrismaClient;

beforeAll(async () => {
  // No Braze connection: the worker sends nothing, so every status below stays as set. Pruning runs every 200 ms.
  app = await startAppServer({
    DELIVERY_RETENTION_DAYS: "30",
    DELIVERY_PRUNE_INTERVAL_MS: "200",
    DELIVERY_POLL_MS: "50",
  });
  db = openDatabase(app.databaseUrl);
});

afterAll(async () => {
  await db.$disconnect();
  await app.stop();
});

async function post(shop: TestShop, event: string) {
  const { response } = await postOkendo(app.url, shop, {
    event,
    occurredAt: new Date().toISOString(),
    customer: { email: "ada@example.com" },
    properties: { rating: 5 },
  });
  expect(response.status).toBe(200);
}

function row(shop: string, status: string, createdAt: Date, extra: Partial<Prisma.DeliveryCreateManyInput> = {}) {
  return {
    shop,
    kind: "event",
    eventName: "Okendo Review Created",
    identifierType: "external_id",
    customerKey: "ada@example.com",
    payload: "{}",
    status,
    createdAt,
    nextAttemptAt: createdAt,
    ...(status === "delivered" ? { deliveredAt: createdAt } : {}),
    ...extra,
  } satisfies Prisma.DeliveryCreateManyInput;
}

it("prunes old delivered, skipped and replayed rows in chunks, keeps everything else and the daily counts", async () => {
  const shop = await createShop(db, { identifyByCustomerId: false });
  const other = await createShop(db, { identifyByCustomerId: false });

  // Real traffic through the ingress: counted per day, then aged as if delivered 40 days ago.
  await post(shop, "Okendo Review Created");
  await post(shop, "Okendo Review Created");
  await post(shop, "Submitted Okendo Quiz");
  const counted = await db.eventDailyCount.findMany({ where: { shop: shop.domain }, orderBy: { eventName: "asc" } });
  expect(counted.map((c) => [c.eventName, c.count])).toEqual([
    ["Okendo Review Created", 2],
    ["Submitted Okendo Quiz", 1],
  ]);
  const ingressed = await db.inboundMessage.findMany({ where: { shop: shop.domain }, select: { id: true } });
  await db.inboundMessage.updateMany({ where: { shop: shop.domain }, data: { receivedAt: daysAgo(40) } });
  await db.delivery.updateMany({
    where: { shop: shop.domain },
    data: { status: "delivered", createdAt: daysAgo(40), deliveredAt: daysAgo(40) },
  });

  // An old message with one delivered and one failed row: the delivered row goes, the message and failed row stay.
  const mixed = await db.inboundMessage.create({
    data: {
      shop: shop.domain,
      source: "okendo",
      dedupeKey: "mixed",
      payload: "{}",
      status: "mapped",
      receivedAt: daysAgo(45),
    },
  });
  const old = daysAgo(45);
  await db.delivery.createMany({
    data: [
      row(shop.domain, "delivered", old, { inboundId: mixed.id, kind: "attributes" }),
      row(shop.domain, "failed", old, { inboundId: mixed.id, lastError: "Braze refused this object" }),
    ],
  });

  // Old rows that still matter, whatever their age.
  const kept = ["failed", "dead_letter", "queued", "retrying", "unmapped"];
  await db.delivery.createMany({ data: kept.map((status) => row(shop.domain, status, old)) });
  // Recent finished rows (inside the 30 days) and another shop's rows are kept too.
  await db.delivery.createMany({
    data: [
      row(shop.domain, "delivered", daysAgo(29)),
      row(shop.domain, "skipped", daysAgo(5)),
      row(other.domain, "delivered", daysAgo(2)),
    ],
  });
  // A backlog bigger than one chunk (500) of old delivered rows, and old skipped rows, across both shops.
  await db.delivery.createMany({
    data: [
      ...Array.from({ length: 1_200 }, (_, n) =>
        row(n % 2 ? shop.domain : other.domain, "delivered", daysAgo(31 + (n % 60))),
      ),
      ...Array.from({ length: 20 }, () => row(shop.domain, "skipped", old)),
      row(shop.domain, "replayed", old, { kind: "unmapped" }), // superseded by the rows its replay added
    ],
  });

  const prunable = { status: { in: ["delivered", "skipped", "replayed"] }, createdAt: { lt: daysAgo(30) } };
  await waitFor(async () => (await db.delivery.count({ where: prunable })) === 0, 20_000);

  const remaining = await db.delivery.findMany({
    select: { shop: true, status: true, inboundId: true, createdAt: true },
  });
  const summary = remaining
    .map(
      (r) =>
        `${r.shop === shop.domain ? "shop" : "other"} ${r.status} ${Math.round((Date.now() - r.createdAt.getTime()) / DAY)}d`,
    )
    .sort();
  expect(summary).toEqual(
    [
      "other delivered 2d",
      "shop dead_letter 45d",
      "shop delivered 29d",
      "shop failed 45d",
      "shop failed 45d",
      "shop queued 45d",
      "shop retrying 45d",
      "shop skipped 5d",
      "shop unmapped 45d",
    ].sort(),
  );
  expect(remaining.find((r) => r.status === "failed" && r.inboundId === mixed.id)).toBeDefined();

  // Messages whose rows were all pruned are gone (their payloads with them); the mixed one stays.
  const inbound = await db.inboundMessage.findMany({ where: { shop: shop.domain }, select: { id: true } });
  expect(inbound.map((m) => m.id)).toEqual([mixed.id]);
  expect(ingressed).toHaveLength(3);

  // The Events card's counts are untouched.
  const after = await db.eventDailyCount.findMany({ where: { shop: shop.domain }, orderBy: { eventName: "asc" } });
  expect(after).toEqual(counted);
});
