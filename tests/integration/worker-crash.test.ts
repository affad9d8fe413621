// A worker killed with SIGKILL in the middle of a request to Braze: its shop's turn expires with the lease,
// another worker takes over, and every accepted event is delivered. Braze may receive the one batch that was
// in flight twice (it accepted it, the dead worker never recorded that); nothing else is sent twice.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, startWorkerProcess, type AppServer, type ChildHandle } from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { openDatabase } from "../support/shopify.ts";
import { createShop, postOkendo, waitFor } from "../support/okendo.ts";

const EVENTS = 300;
let simulator: BrazeSimulator;
let app: AppServer;
let db: PrismaClient;
const workers: ChildHandle[] = [];

beforeAll(async () => {
  simulator = await startBrazeSimulator();
  app = await startAppServer({ BRAZE_EXTRA_ENDPOINTS: simulator.url, DELIVERY_WORKER: "off" });
  db = openDatabase(app.databaseUrl);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await db.$disconnect();
  await app.stop();
  await simulator.close();
});

it("kill -9 of a worker mid-batch: every event is delivered, at most the in-flight batch twice", async () => {
  const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
  for (let n = 0; n < EVENTS; n++) {
    const { response } = await postOkendo(app.url, shop, {
      event: "Okendo Loyalty Points Redeemed",
      occurredAt: new Date().toISOString(),
      customer: { email: `member-${n}@example.com` },
      properties: { n, points: 100 },
    });
    expect(response.status).toBe(200);
  }

  simulator.setLatency(1_000); // keeps each request in flight long enough to kill the worker during one
  const workerEnv = {
    DELIVERY_LEASE_MS: "3000",
    DELIVERY_REQUEST_TIMEOUT_MS: "1500", // the simulator's 1 s latency fits, and the lease outlasts the request
    DELIVERY_POLL_MS: "50",
    DELIVERY_CONCURRENCY: "1",
  };
  const doomed = startWorkerProcess(app, workerEnv);
  workers.push(doomed);
  await waitFor(() => simulator.requests.length >= 2); // the second batch is now in flight
  doomed.process.kill("SIGKILL");
  await new Promise((resolve) => doomed.process.once("exit", resolve));
  simulator.setLatency(0);

  workers.push(startWorkerProcess(app, workerEnv));
  await waitFor(async () => (await db.delivery.count({ where: { status: { not: "delivered" } } })) === 0, 30_000);

  const numbers = simulator
    .events()
    .filter((event) => event.name === "Okendo Loyalty Points Redeemed")
    .map((event) => (event.properties as { n: number }).n);
  expect(new Set(numbers).size).toBe(EVENTS); // nothing lost
  // Each event travels with an attribute object (the customer's email): 2 × EVENTS objects were due.
  const duplicateObjects = simulator.events().length + simulator.attributes().length - 2 * EVENTS;
  expect(duplicateObjects).toBeGreaterThan(0); // the batch the dead worker had in flight…
  expect(duplicateObjects).toBeLessThanOrEqual(75); // …and nothing more
}, 60_000);
