// The delivery worker's turn at a shop, and what it does with Braze's answers, under conditions that used to send
// batches twice or hammer Braze: a lease shorter than a request (refused), a worker that stalls past its lease
// (fenced), slow Braze with two workers (the lease is kept alive), absurd rate-limit headers (clamped), and a
// customers/redact racing a partial success (tolerated). Worker processes run against the built server's database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, startWorkerProcess, type AppServer, type ChildHandle } from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { createShop, waitFor } from "../support/okendo.ts";
import { envelope, postAll, sleep, trackRequests } from "../support/pipeline.ts";
import { openDatabase, signShopifyWebhook } from "../support/shopify.ts";
import type { PrismaClient } from "@prisma/client";

let simulator: BrazeSimulator;
let app: AppServer;
let db: PrismaClient;
const workers: ChildHandle[] = [];

beforeAll(async () => {
  simulator = await startBrazeSimulator();
  // Only separate worker processes send, so each test decides how many there are and how they behave.
  app = await startAppServer({ BRAZE_EXTRA_ENDPOINTS: simulator.url, DELIVERY_WORKER: "off" });
  db = openDatabase(app.databaseUrl);
});
// Each test's worker processes go with it (a stopped one is woken first), so a failure cannot leave one behind to
// take the next test's shops.
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.process.kill("SIGCONT");
    await worker.stop();
  }
  simulator.setLatency(0);
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
  await simulator?.close();
});

function worker(env: Record<string, string>) {
  const handle = startWorkerProcess(app, { DELIVERY_POLL_MS: "50", DELIVERY_CONCURRENCY: "1", ...env });
  workers.push(handle);
  return handle;
}

const exited = (handle: ChildHandle) =>
  new Promise<number | null>((resolve) =>
    handle.process.exitCode !== null ? resolve(handle.process.exitCode) : handle.process.once("exit", resolve),
  );

it("refuses a lease that would not outlast a Braze request and the recording of its outcome", async () => {
  const handle = worker({ DELIVERY_LEASE_MS: "20000", DELIVERY_REQUEST_TIMEOUT_MS: "15000" });
  expect(await exited(handle)).toBe(1);
  expect(handle.output()).toContain(
    "not starting: DELIVERY_LEASE_MS (20000) must be at least twice DELIVERY_REQUEST_TIMEOUT_MS (15000)",
  );
});

describe("a worker that stalls past its lease", () => {
  it("cannot overwrite what the worker that took over recorded", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
    await postAll(app.url, shop, [envelope("Submitted Okendo Survey", { email: "stall@example.com" }, { nps: 8 })]);
    // Braze takes 2 s to answer: the stalled worker cannot have its answer before it is stopped, however busy the
    // machine; the lease (5 s) outlasts a request (2.5 s) plus its recording, as the worker requires.
    const env = { DELIVERY_LEASE_MS: "5000", DELIVERY_REQUEST_TIMEOUT_MS: "2500" };

    simulator.setLatency(2_000);
    simulator.failNext(1, { status: 500 }); // the stalled worker's request: it would schedule a retry
    const stalled = worker(env);
    await waitFor(() => trackRequests(simulator, apiKey).length === 1);
    stalled.process.kill("SIGSTOP"); // no lease extension, no outcome, while the process is stopped

    worker(env); // the takeover: claims the shop once the lease has expired, and delivers
    await waitFor(
      async () => (await db.delivery.count({ where: { shop: shop.domain, status: "delivered" } })) === 2,
      30_000,
    );

    stalled.process.kill("SIGCONT"); // the stalled worker records its (failed) outcome… or tries to
    await waitFor(() => stalled.output().includes("recorded for 0 of 2 rows"));
    simulator.setLatency(0);
    await sleep(500); // time for a wrongly recorded retry to be sent again
    expect(await db.delivery.count({ where: { shop: shop.domain, status: "delivered" } })).toBe(2);
    expect(trackRequests(simulator, apiKey)).toHaveLength(2); // the stalled one, and the takeover's
  });
});

describe("slow Braze with two workers and long turns", () => {
  it("keeps the lease alive through the turn: every object reaches Braze once", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
    const events = Array.from({ length: 300 }, (_, n) =>
      envelope("Okendo Loyalty Points Awarded", { email: `slow-${n}@example.com` }, { n, points: 1 }),
    );
    await postAll(app.url, shop, events);
    simulator.setLatency(400); // each request takes most of a lease third; a turn runs through several leases
    const env = { DELIVERY_LEASE_MS: "1000", DELIVERY_REQUEST_TIMEOUT_MS: "500", DELIVERY_TURN_MS: "10000" };
    worker(env);
    worker(env);
    await waitFor(
      async () => (await db.delivery.count({ where: { shop: shop.domain, status: "delivered" } })) === 600,
      60_000,
    );
    simulator.setLatency(0);
    const numbers = simulator
      .events()
      .filter((e) => e.apiKey === apiKey)
      .map((e) => (e.properties as { n: number }).n);
    expect(numbers).toHaveLength(300);
    expect(new Set(numbers).size).toBe(300);
  });
});

describe("a rate limit whose wait makes no sense", () => {
  it.each([
    ["retry-after", "1e300", 3_600_000],
    ["retry-after", "-5", 1_000],
    ["retry-after", "Thu, 01 Jan 1970 00:00:00 GMT", 1_000],
    ["x-ratelimit-reset", "1", 1_000],
  ])("%s: %s waits a sane %i ms, recorded on the shop, instead of hammering Braze", async (header, value, waitMs) => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
    worker({});
    simulator.failNext(1, { status: 429, headers: { [header]: value } });
    const before = Date.now();
    await postAll(app.url, shop, [envelope("Submitted Okendo Survey", { email: "limited@example.com" })]);
    const row = await waitFor(async () => {
      const current = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
      return current.rateLimitedUntil?.getTime();
    });
    const wait = row - before;
    expect(wait).toBeGreaterThanOrEqual(waitMs - 1_000);
    expect(wait).toBeLessThanOrEqual(waitMs + 5_000);
    if (waitMs === 1_000) {
      await waitFor(async () => (await db.delivery.count({ where: { shop: shop.domain, status: "delivered" } })) === 2);
      const [limited, next] = trackRequests(simulator, apiKey);
      expect(next!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1_000);
    }
    expect(trackRequests(simulator, apiKey).length).toBeLessThanOrEqual(2);
  });
});

describe("customers/redact while a partial success is on its way", () => {
  it("records the outcome for the rows that are left, and the batch is not sent again", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
    // One after the other, so the customer who stays is first in the batch: Braze refuses the first event.
    await postAll(
      app.url,
      shop,
      [
        envelope("Submitted Okendo Survey", { email: "stays@example.com" }, { nps: 7 }),
        envelope("Submitted Okendo Survey", { email: "forget.me@example.com" }, { nps: 3 }),
      ],
      1,
    );
    simulator.setLatency(1_000);
    simulator.failNext(1, {
      status: 201,
      body: { message: "success", errors: [{ type: "invalid event", input_array: "events", index: 0 }] },
    });
    const handle = worker({ DELIVERY_LEASE_MS: "5000", DELIVERY_REQUEST_TIMEOUT_MS: "2000" });
    await waitFor(() => trackRequests(simulator, apiKey).length === 1);

    const webhook = signShopifyWebhook("customers/redact", shop.domain, {
      customer: { email: "forget.me@example.com" },
    });
    const redacted = await fetch(app.url + "/webhooks/compliance", {
      method: "POST",
      headers: webhook.headers,
      body: webhook.body,
    });
    expect(redacted.status).toBe(200);

    await waitFor(() => handle.output().includes("rows of"));
    simulator.setLatency(0);
    await sleep(500);
    expect(trackRequests(simulator, apiKey)).toHaveLength(1);
    const rows = await db.delivery.findMany({ where: { shop: shop.domain, kind: { in: ["event", "attributes"] } } });
    expect(rows.every((row) => row.customerKey === "stays@example.com")).toBe(true);
    expect(rows.map((row) => row.status).sort()).toEqual(["delivered", "failed"]);
  });
});
