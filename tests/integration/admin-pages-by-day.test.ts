// The admin pages' SQL that reads days and messages (raw, with each dialect's date expressions): the home page's
// deliveries per UTC day and last 24 hours, and the activity log's one entry per received message with its date
// filter. Through the real pages, on SQLite and Postgres, with rows on either side of midnight UTC.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Prisma, PrismaClient } from "@prisma/client";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { createShop, type TestShop } from "../support/okendo.ts";
import { embeddedAppPath, mintSessionToken, openDatabase } from "../support/shopify.ts";

const DAY = 86_400_000;
const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };
const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const dayName = (daysAgo: number) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(Date.now() - daysAgo * DAY),
  );

let app: AppServer;
let db: PrismaClient;
let shop: TestShop;

function row(status: string, createdAt: Date, extra: Partial<Prisma.DeliveryCreateManyInput> = {}) {
  return {
    shop: shop.domain,
    kind: "event",
    eventName: "Okendo Review Created",
    identifierType: "external_id",
    customerKey: "7001",
    payload: "{}",
    status,
    createdAt,
    nextAttemptAt: new Date(Date.now() + 365 * DAY), // the worker leaves them alone (no Braze connection either)
    ...extra,
  } satisfies Prisma.DeliveryCreateManyInput;
}

async function page(path: string): Promise<string> {
  const token = await mintSessionToken(shop.domain);
  const response = await fetch(
    `${app.url}${embeddedAppPath(shop.domain, token, path.split("?")[0])}&${path.split("?")[1] ?? ""}`,
    {
      headers: browser,
    },
  );
  expect(response.status, app.output().slice(-3000)).toBe(200);
  return response.text();
}

beforeAll(async () => {
  app = await startAppServer();
  db = openDatabase(app.databaseUrl);
  shop = await createShop(db);
  const lastMomentOf = (daysAgo: number) => new Date(Date.parse(`${utcDay(daysAgo)}T23:59:59.999Z`));
  const firstMomentOf = (daysAgo: number) => new Date(Date.parse(`${utcDay(daysAgo)}T00:00:00.000Z`));
  await db.delivery.createMany({
    data: [
      row("delivered", lastMomentOf(3)),
      row("delivered", lastMomentOf(3)),
      row("failed", firstMomentOf(3)),
      row("dead_letter", firstMomentOf(2)),
      row("delivered", firstMomentOf(2)),
      row("skipped", firstMomentOf(2)), // not asked of Braze: not counted
      row("unmapped", firstMomentOf(2), { kind: "unmapped" }), // nothing to send: not counted
      row("delivered", lastMomentOf(14)), // before the chart's 14 days
      row("retrying", new Date(Date.now() - 60_000)),
      row("delivered", new Date(Date.now() - 60_000)),
    ],
  });
  // One received message with two rows (its event and its attribute update), three days ago.
  const inbound = await db.inboundMessage.create({
    data: { shop: shop.domain, source: "okendo", dedupeKey: "msg_1", payload: "{}", status: "mapped" },
  });
  await db.delivery.createMany({
    data: [
      row("delivered", lastMomentOf(3), { inboundId: inbound.id, eventName: "Submitted Okendo Quiz" }),
      row("delivered", lastMomentOf(3), {
        inboundId: inbound.id,
        kind: "attributes",
        eventName: "Submitted Okendo Quiz",
      }),
    ],
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

it("counts deliveries per UTC day by the day they were received, delivered against failed", async () => {
  const html = await page("/app");
  const cells = (daysAgo: number) =>
    new RegExp(`<th scope="row">${dayName(daysAgo)}</th><td>(\\d+)</td><td>(\\d+)</td>`).exec(html)?.slice(1);
  expect(cells(3)).toEqual(["4", "1"]); // 2 + the message's 2 delivered, up to 23:59:59.999; 1 failed at 00:00
  expect(cells(2)).toEqual(["1", "1"]);
  expect(cells(0)).toEqual(["1", "0"]);
  expect(cells(14)).toBeUndefined(); // outside the 14 days
  const chartTable = /<caption>Deliveries per day, last 14 days \(UTC\)<\/caption>[\s\S]*?<\/table>/.exec(html)?.[0];
  expect(chartTable?.match(/<th scope="row">/g)).toHaveLength(14);
  expect(html.replaceAll("<!-- -->", "")).toContain("6 delivered, 2 failed, by the day they were received (UTC).");
  // The last 24 hours: one delivered, one on its way.
  expect(html).toMatch(/aria-label="1 delivered in the last 24 hours"/);
  expect(html).toMatch(/aria-label="1 on their way in the last 24 hours"/);
  expect(html).toMatch(/aria-label="0 failed in the last 24 hours"/);
});

it("lists one entry per received message, and filters by UTC day at the day's edges", async () => {
  // One <time> per entry: when its message was received.
  const entries = (html: string) =>
    (/aria-label="Received messages"[\s\S]*<\/ul>/.exec(html)?.[0] ?? "").match(/<time /g)?.length ?? 0;
  const all = await page("/app/activity");
  expect(all).toContain("Submitted Okendo Quiz");
  expect(all).toContain("With attribute update");

  const threeDaysAgo = await page(`/app/activity?from=${utcDay(3)}&to=${utcDay(3)}`);
  // The two lone rows and the message (its two rows together), the failed row at 00:00:00.000.
  expect(threeDaysAgo.match(/2 deliveries/g)).toHaveLength(1);
  expect(entries(threeDaysAgo)).toBe(4);
  const fourDaysAgo = await page(`/app/activity?to=${utcDay(4)}`);
  expect(entries(fourDaysAgo)).toBe(1); // 14 days ago only
});
