// Import history, through HTTP against the built server: Okendo is connected with the real Connect action, the
// import is started and cancelled from the Okendo card's route, Okendo's API is the simulator (its rate limit
// on) and Braze is the simulator. The server is killed in the middle of an import and started again on the same
// database. Each customer's attributes must reach Braze exactly once, with totals over every approved review,
// and no event may reach Braze from the import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import {
  freePort,
  freshDatabase,
  startAppServer,
  startWorkerProcess,
  testDialect,
  type AppServer,
} from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { createShop, waitFor, type TestShop } from "../support/okendo.ts";
import { startOkendoSimulator, type Account, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { receivedBy, settled } from "../support/pipeline.ts";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../support/shopify-admin-stand-in.ts";
import { mintSessionToken, openDatabase } from "../support/shopify.ts";

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };

let okendo: OkendoSimulator;
let braze: BrazeSimulator;
let shopifyAdmin: ShopifyAdminStandIn;
let database: { url: string; drop: () => Promise<void> };
let env: Record<string, string>;
let app: AppServer;
let db: PrismaClient;

beforeAll(async () => {
  okendo = await startOkendoSimulator({ retryDelaysMs: [50] });
  braze = await startBrazeSimulator();
  shopifyAdmin = await startShopifyAdminStandIn();
  database = await freshDatabase();
  const port = await freePort();
  env = {
    PORT: String(port),
    DATABASE_URL: database.url,
    // Okendo's deliveries for the subscriptions Connect creates come back to this server.
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    OKENDO_EXTRA_API_URLS: okendo.url,
    BRAZE_EXTRA_ENDPOINTS: braze.url,
    SHOPIFY_ADMIN_STAND_IN: shopifyAdmin.url,
    DELIVERY_POLL_MS: "50",
    // A killed server's import is resumed by the next one after this.
    OKENDO_IMPORT_LEASE_MS: "3000",
  };
  app = await start();
  db = openDatabase(database.url);
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
  await database?.drop();
  await shopifyAdmin?.close();
  await braze?.close();
  await okendo?.close();
});

const start = (extra: Record<string, string> = {}) =>
  startAppServer({ ...env, ...extra }, { preload: ["./tests/support/shopify-admin-redirect.mjs"] });

async function admin(shop: string, path: string, form?: Record<string, string>) {
  const token = await mintSessionToken(shop);
  const response = await fetch(app.url + path, {
    method: form ? "POST" : "GET",
    headers: { ...BROWSER, authorization: `Bearer ${token}`, accept: "application/json" },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> };
}

interface Connected {
  shop: TestShop;
  account: Account;
  apiKey: string;
}

// A shop connected to Braze, then to Okendo through the Okendo card's Connect.
async function connected(reviews: number, customers: number): Promise<Connected> {
  const apiKey = `valid-${crypto.randomUUID()}`;
  const shop = await createShop(db, { brazeUrl: braze.url, apiKey, identifyByCustomerId: false });
  const account = okendo.addAccount({ reviews, customers });
  const connect = await admin(shop.domain, "/app/settings", {
    intent: "okendo-connect",
    userId: account.userId,
    apiKey: account.apiKey,
    apiBase: okendo.url,
  });
  expect(connect.status, JSON.stringify(connect.body)).toBe(200);
  return { shop, account, apiKey };
}

const importRow = (shop: TestShop) => db.historyImport.findUniqueOrThrow({ where: { shop: shop.domain } });

// What the import must arrive at: per reviewer email, every approved review's count and average, read from
// Okendo's API as any client would.
async function expectedTotals(account: Account): Promise<Map<string, { count: number; average: number }>> {
  const auth = `Basic ${Buffer.from(`${account.userId}:${account.apiKey}`).toString("base64")}`;
  const sums = new Map<string, { count: number; sum: number }>();
  let url: string | null = `${okendo.url}/reviews?limit=100&status=approved`;
  while (url) {
    const response = await fetch(url, { headers: { authorization: auth } });
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000));
      continue;
    }
    const page = (await response.json()) as { reviews: Array<Record<string, any>>; nextUrl?: string };
    for (const review of page.reviews) {
      const email = review.reviewer?.email as string | undefined;
      if (!email) continue;
      const totals = sums.get(email) ?? { count: 0, sum: 0 };
      sums.set(email, { count: totals.count + 1, sum: totals.sum + Number(review.rating) });
    }
    url = page.nextUrl ? okendo.url + page.nextUrl : null;
  }
  return new Map(
    [...sums].map(([email, { count, sum }]) => [email, { count, average: Math.round((sum / count) * 100) / 100 }]),
  );
}

// Braze got each customer's totals in exactly one attribute update, and no event.
async function eachCustomerOnce(
  { shop, apiKey }: Connected,
  expected: Map<string, { count: number; average: number }>,
) {
  await waitFor(() => settled(db, shop.domain), 30_000);
  const received = receivedBy(braze, apiKey);
  expect(received.filter((o) => o.type === "event")).toEqual([]);
  const byCustomer = new Map<string, Record<string, unknown>[]>();
  for (const { object } of received) {
    const who = String(object.external_id ?? object.email);
    byCustomer.set(who, [...(byCustomer.get(who) ?? []), object]);
  }
  expect(byCustomer.size).toBe(expected.size);
  for (const [email, totals] of expected) {
    expect(byCustomer.get(email), email).toHaveLength(1);
    expect(byCustomer.get(email)![0]).toMatchObject({
      okendo_number_of_reviews: totals.count,
      okendo_average_review_rating: totals.average,
    });
  }
}

describe(`Import history on ${testDialect()}`, () => {
  let first: Connected;
  let expected: Map<string, { count: number; average: number }>;

  it("imports 1,000 reviews of 200 customers across a restart: each customer's attributes once, no event", async () => {
    first = await connected(1000, 200);
    expected = await expectedTotals(first.account);
    expect(expected.size).toBeGreaterThan(150);

    const started = await admin(first.shop.domain, "/app/okendo-history", { intent: "start" });
    expect(started.status).toBe(200);
    expect(started.body.view).toMatchObject({ status: "running", phase: "reading" });
    // One import per shop at a time.
    const again = await admin(first.shop.domain, "/app/okendo-history", { intent: "start" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already running/);

    // Killed in the middle of reading, and started again on the same database.
    await waitFor(async () => (await importRow(first.shop)).reviewsRead >= 300, 30_000);
    app.process.kill("SIGKILL");
    await new Promise((resolve) => app.process.once("exit", resolve));
    const interrupted = await importRow(first.shop);
    expect(interrupted).toMatchObject({ status: "running", phase: "reading" });
    expect(interrupted.reviewsRead).toBeLessThan(1000);
    app = await start();

    const done = await waitFor(async () => {
      const row = await importRow(first.shop);
      return row.status !== "running" && row;
    }, 60_000);
    expect(done).toMatchObject({ status: "finished", error: null });
    const page = await admin(first.shop.domain, "/app/okendo-history");
    expect(page.body.view).toMatchObject({ status: "finished", percent: 100, customersUpdated: expected.size });

    // Resumed from the stored cursor: the first page was asked for once, not again after the restart.
    const importPages = okendo.requests.filter(
      (r) => r.user === first.account.userId && r.path === "/reviews" && r.query.orderBy === "date asc",
    );
    expect(importPages.filter((r) => !("lastEvaluated" in r.query))).toHaveLength(1);

    await eachCustomerOnce(first, expected);
    // In the Activity log, one message per customer, from the import.
    expect(await db.inboundMessage.count({ where: { shop: first.shop.domain, source: "import" } })).toBe(expected.size);
    // Each review is known once, as the import's.
    expect(await db.knownReview.count({ where: { shop: first.shop.domain, source: "import" } })).toBe(
      done.reviewsCounted,
    );
    expect(done.reviewsRead).toBeGreaterThanOrEqual(done.reviewsCounted);
  }, 180_000);

  it("continues from the true totals: a live review counts once more, a webhook for an imported review not again", async () => {
    const email = [...expected.keys()][0]!;
    const before = expected.get(email)!;
    const objectsBefore = receivedBy(braze, first.apiKey).length;

    // Okendo sends an update of a review the import counted: not counted again, and no event for it.
    const known = await db.knownReview.findFirstOrThrow({
      where: { shop: first.shop.domain, customerKey: email, source: "import" },
    });
    const imported = okendo.reviews(first.account.userId).find((r) => r.reviewId === known.reviewId)!;
    okendo.deliver(first.account.userId, "review.update", { ...imported, title: "Edited" });
    // A new review by the same customer, delivered by Okendo's webhook.
    okendo.addReview(first.account.userId, { rating: 5, reviewer: { email, name: "Returning customer" } });
    await okendo.settled();

    const live = await waitFor(() => {
      const events = receivedBy(braze, first.apiKey)
        .slice(objectsBefore)
        .filter((o) => o.type === "event");
      return events.length > 0 && events;
    }, 20_000);
    await waitFor(() => settled(db, first.shop.domain));
    const after = receivedBy(braze, first.apiKey).slice(objectsBefore);
    expect(after.filter((o) => o.type === "event")).toHaveLength(1);
    expect(live[0]!.object).toMatchObject({ name: "Okendo Review Created" });
    const attributes = after.filter((o) => o.type === "attributes").map((o) => o.object);
    expect(attributes.at(-1)).toMatchObject({
      okendo_number_of_reviews: before.count + 1,
      okendo_average_review_rating: Math.round(((before.average * before.count + 5) / (before.count + 1)) * 100) / 100,
    });
  }, 60_000);

  it("cancels: the import stops, nothing is sent, and a new import may start", async () => {
    const { shop, apiKey } = await connected(600, 100);
    const started = await admin(shop.domain, "/app/okendo-history", { intent: "start" });
    expect(started.status).toBe(200);
    await waitFor(async () => (await importRow(shop)).reviewsRead > 0, 30_000);
    const cancelled = await admin(shop.domain, "/app/okendo-history", { intent: "cancel" });
    expect(cancelled.body.view).toMatchObject({ status: "cancelled" });
    const atCancel = await importRow(shop);

    // Another shop's import runs to its end meanwhile; the cancelled one does not move.
    const other = await connected(150, 30);
    await admin(other.shop.domain, "/app/okendo-history", { intent: "start" });
    await waitFor(async () => (await importRow(other.shop)).status === "finished", 60_000);
    expect(await importRow(shop)).toMatchObject({ status: "cancelled", reviewsRead: atCancel.reviewsRead });
    expect(await db.delivery.count({ where: { shop: shop.domain } })).toBe(0);
    expect(receivedBy(braze, apiKey)).toEqual([]);

    // Cancelled is not running: the merchant may start again.
    const again = await admin(shop.domain, "/app/okendo-history", { intent: "start" });
    expect(again.status).toBe(200);
    await waitFor(async () => (await importRow(shop)).status === "finished", 60_000);
  }, 180_000);

  it("stops with a clear message when Okendo is disconnected while it reads", async () => {
    const { shop, apiKey } = await connected(600, 100);
    expect((await admin(shop.domain, "/app/okendo-history", { intent: "start" })).status).toBe(200);
    await waitFor(async () => (await importRow(shop)).reviewsRead > 0, 30_000);
    expect((await admin(shop.domain, "/app/settings", { intent: "okendo-disconnect" })).status).toBe(200);

    const stopped = await waitFor(async () => {
      const row = await importRow(shop);
      return row.status !== "running" && row;
    }, 30_000);
    expect(stopped).toMatchObject({ status: "failed", error: expect.stringMatching(/Okendo was disconnected/) });
    expect(await db.historyImportCustomer.count({ where: { shop: shop.domain } })).toBe(0);
    expect(receivedBy(braze, apiKey)).toEqual([]);
  }, 60_000);

  it("runs in `npm run worker` processes: a worker stopped in the middle hands the import to the next at once", async () => {
    // The web process only records the request; the imports run in worker processes. A lease far longer than the
    // test: only a clean hand-over lets the second worker resume.
    await app.stop();
    app = await start({ DELIVERY_WORKER: "off", OKENDO_IMPORT_LEASE_MS: "600000" });
    const shop = await connected(1000, 200);
    const expected = await expectedTotals(shop.account);
    expect((await admin(shop.shop.domain, "/app/okendo-history", { intent: "start" })).status).toBe(200);

    const firstWorker = startWorkerProcess(app);
    try {
      await waitFor(async () => (await importRow(shop.shop)).reviewsRead >= 300, 30_000);
    } finally {
      await firstWorker.stop(); // SIGTERM: a clean stop
    }
    expect(await importRow(shop.shop)).toMatchObject({ status: "running", leaseOwner: null });

    const secondWorker = startWorkerProcess(app);
    try {
      const done = await waitFor(async () => {
        const row = await importRow(shop.shop);
        return row.status !== "running" && row;
      }, 60_000);
      expect(done).toMatchObject({ status: "finished", customersUpdated: expected.size });
      await eachCustomerOnce(shop, expected);
    } finally {
      await secondWorker.stop();
    }
  }, 180_000);
});
