// Failure drills at the Braze edge: an outage (5xx, then connection refused) and a 429 storm. Everything must
// be delivered once Braze is back, retries spaced as the backoff policy says, and no request sent before the
// time a rate limit allows. Rate-limit waits are not attempts.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { openDatabase } from "../support/shopify.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";

const BASE_MS = 200;
let simulator: BrazeSimulator;
let app: AppServer;
let db: PrismaClient;

beforeAll(async () => {
  simulator = await startBrazeSimulator();
  app = await startAppServer({
    BRAZE_EXTRA_ENDPOINTS: simulator.url,
    DELIVERY_POLL_MS: "20",
    DELIVERY_RETRY_BASE_MS: String(BASE_MS),
    DELIVERY_RETRY_CAP_MS: "5000",
  });
  db = openDatabase(app.databaseUrl);
});
afterAll(async () => {
  await db.$disconnect();
  await app.stop();
  await simulator.close();
});

async function post(shop: TestShop, n: number) {
  const { response } = await postOkendo(app.url, shop, {
    event: "Okendo Referral Rejected",
    occurredAt: new Date().toISOString(),
    customer: { email: `drill-${n}@example.com` },
    properties: { n, reason: "self-referral" },
  });
  expect(response.status).toBe(200);
}

it("Braze answering 5xx, then refusing connections, then back: all delivered, retries spaced by the backoff", async () => {
  const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false, apiKey: "valid-outage" });
  simulator.failNext(3, { status: 503 });
  await post(shop, 1);
  await waitFor(() => simulator.requests.filter((request) => request.apiKey === "valid-outage").length === 3);
  await simulator.setDown(true); // the next attempts meet a closed port
  await waitFor(
    async () => ((await db.delivery.findFirst({ where: { shop: shop.domain, kind: "event" } }))?.attempts ?? 0) >= 5,
    20_000,
  );
  await simulator.setDown(false);

  const row = await waitFor(async () => {
    const found = await db.delivery.findFirst({ where: { shop: shop.domain, kind: "event" } });
    return found?.status === "delivered" ? found : undefined;
  }, 20_000);
  expect(row.attempts).toBeGreaterThanOrEqual(6);
  expect(simulator.events().filter((event) => event.apiKey === "valid-outage")).toHaveLength(1);

  // Equal jitter: the wait before attempt k+1 is at least half of base × 2^(k-1).
  const times = simulator.requests
    .filter((request) => request.apiKey === "valid-outage")
    .map((request) => request.receivedAt);
  for (let k = 1; k < 3; k++)
    expect(times[k]! - times[k - 1]!).toBeGreaterThanOrEqual((BASE_MS * 2 ** (k - 1)) / 2 - 5);
}, 60_000);

it("a 429 storm: no request before the time Braze allowed, whichever header says it; waits are not attempts", async () => {
  const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false, apiKey: "valid-storm" });
  const storm: (() => Record<string, string>)[] = [
    () => ({ "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 1) }), // epoch seconds
    () => ({ "retry-after": "1" }),
    () => ({ "x-ratelimit-retry-after": "1" }), // Braze's MAU-plan header
    () => ({ "x-ratelimit-reset": "1" }), // seconds remaining
  ];
  let allowedAt = 0;
  const violations: string[] = [];
  const stormRequests = () => simulator.requests.filter((request) => request.apiKey === "valid-storm");
  // Each 429 is queued before the request it answers: the first before the event arrives, the next ones while
  // the worker waits out the previous one (at least a second).
  let headers = storm[0]!();
  simulator.failNext(1, { status: 429, headers, body: { message: "Rate limit exceeded" } });
  await post(shop, 2);
  for (let i = 0; i < storm.length; i++) {
    const request = await waitFor(() => stormRequests()[i], 10_000);
    if (request.receivedAt < allowedAt)
      violations.push(`request ${i} at ${request.receivedAt}, allowed from ${allowedAt}`);
    const reset = Number(headers["x-ratelimit-reset"]);
    allowedAt = reset > 1e9 ? reset * 1000 : request.receivedAt + 1000;
    if (i + 1 < storm.length) {
      headers = storm[i + 1]!();
      simulator.failNext(1, { status: 429, headers, body: { message: "Rate limit exceeded" } });
    }
  }
  const delivered = await waitFor(async () => {
    const found = await db.delivery.findFirst({ where: { shop: shop.domain, kind: "event" } });
    return found?.status === "delivered" ? found : undefined;
  }, 20_000);
  const last = stormRequests().at(-1)!;
  if (last.receivedAt < allowedAt) violations.push(`final request at ${last.receivedAt} before ${allowedAt}`);
  expect(violations).toEqual([]);
  expect(delivered.attempts).toBe(1);
}, 60_000);
