// Scale-out on Postgres: the web process only accepts (DELIVERY_WORKER=off) and three `npm run worker`
// processes drain 10,000 events. Each must reach Braze exactly once, in requests of at most 75 objects.
// 9,000 events start as a backlog already in the outbox (written as the ingress writes them, but in bulk, to
// keep the test short); 1,000 more arrive through the signed Okendo ingress while the workers drain.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, startWorkerProcess, type AppServer, type ChildHandle } from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { createTestDatabase, type TestDatabase } from "../support/postgres.ts";
import { openDatabase } from "../support/shopify.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";

const EVENTS = 10_000;
const THROUGH_INGRESS = 1_000;
const SHOPS = 8;

let database: TestDatabase;
let simulator: BrazeSimulator;
let app: AppServer;
let db: PrismaClient;
let workers: ChildHandle[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  simulator = await startBrazeSimulator();
  app = await startAppServer({
    DATABASE_URL: database.url,
    BRAZE_EXTRA_ENDPOINTS: simulator.url,
    DELIVERY_WORKER: "off",
  });
  db = openDatabase(database.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await db?.$disconnect();
  await app?.stop();
  await simulator?.close();
  await database?.drop();
});

it("three worker processes drain 10,000 events on Postgres: each reaches Braze exactly once", async () => {
  const shops: TestShop[] = [];
  for (let i = 0; i < SHOPS; i++)
    shops.push(await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false }));

  const event = (n: number) => ({
    event: "Okendo Loyalty Points Awarded",
    occurredAt: new Date().toISOString(),
    customer: { email: `member-${n % 500}@example.com` },
    properties: { n, points: 10 },
  });
  const backlog = Array.from({ length: EVENTS - THROUGH_INGRESS }, (_, n) => {
    const { customer, properties, occurredAt, event: name } = event(n);
    return {
      shop: shops[n % SHOPS]!.domain,
      kind: "event",
      eventName: name,
      identifierType: "external_id",
      customerKey: customer.email,
      customerEmail: customer.email,
      payload: JSON.stringify({ external_id: customer.email, name, time: occurredAt, properties }),
      status: "queued",
    };
  });
  await db.delivery.createMany({ data: backlog });

  workers = [1, 2, 3].map(() => startWorkerProcess(app, { DELIVERY_POLL_MS: "50", DELIVERY_CONCURRENCY: "2" }));

  let next = EVENTS - THROUGH_INGRESS;
  const post = async () => {
    while (next < EVENTS) {
      const n = next++;
      const { response } = await postOkendo(app.url, shops[n % SHOPS]!, event(n));
      expect(response.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: 16 }, post));

  await waitFor(async () => (await db.delivery.count({ where: { status: { not: "delivered" } } })) === 0, 120_000);
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything sent twice would arrive by now

  const events = simulator.events().filter((event) => event.name === "Okendo Loyalty Points Awarded");
  const seen = new Set(events.map((event) => (event.properties as { n: number }).n));
  expect(seen.size).toBe(EVENTS);
  expect(events).toHaveLength(EVENTS); // none doubled
  for (const request of simulator.requests) {
    const body = request.body as { attributes?: unknown[]; events?: unknown[] };
    expect((body.attributes?.length ?? 0) + (body.events?.length ?? 0)).toBeLessThanOrEqual(75);
  }

  // Every worker process took part.
  await Promise.all(workers.map((worker) => worker.stop()));
  const delivered = workers.map((worker) => Number(/(\d+) objects delivered/.exec(worker.output())?.[1] ?? 0));
  for (const count of delivered) expect(count).toBeGreaterThan(0);
  // Ingress messages also carry an attribute object (the customer's email) besides the event.
  expect(delivered.reduce((a, b) => a + b, 0)).toBe(EVENTS + THROUGH_INGRESS);
}, 180_000);
