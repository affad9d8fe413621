// Failure drill: kill -9 of the app (web process with its in-process worker) while webhooks are arriving and
// deliveries are in flight, then a restart on the same database. Every request that got a 2xx must end
// delivered; Braze may receive again only what was in flight when the process died — at most one batch (75
// objects) per concurrent turn (DELIVERY_CONCURRENCY, 2 here).
import { afterAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { startBrazeSimulator } from "../support/braze-simulator.ts";
import { openDatabase } from "../support/shopify.ts";
import { createShop, signOkendo, waitFor } from "../support/okendo.ts";

const simulatorPromise = startBrazeSimulator();
const servers: AppServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await (await simulatorPromise).close();
});

it("kill -9 during traffic: every acknowledged event is delivered, duplicates stay within the in-flight batches", async () => {
  const simulator = await simulatorPromise;
  const env = {
    BRAZE_EXTRA_ENDPOINTS: simulator.url,
    DELIVERY_LEASE_MS: "1500",
    DELIVERY_REQUEST_TIMEOUT_MS: "750",
    DELIVERY_POLL_MS: "50",
    DELIVERY_CONCURRENCY: "2",
  };
  const first = await startAppServer(env);
  servers.push(first);
  const db: PrismaClient = openDatabase(first.databaseUrl);
  const shops = [
    await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false }),
    await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false }),
  ];
  simulator.setLatency(150); // deliveries are in flight most of the time

  const acknowledged: number[] = [];
  let next = 0;
  let killed = false;
  const send = async () => {
    while (!killed) {
      const n = next++;
      const signed = signOkendo({
        event: "Okendo Loyalty Points Awarded",
        occurredAt: new Date().toISOString(),
        customer: { email: `crash-${n % 40}@example.com` },
        properties: { n, points: 5 },
      });
      try {
        const response = await fetch(first.url + shops[n % 2]!.webhookPath, {
          method: "POST",
          headers: signed.headers,
          body: signed.body,
        });
        if (response.ok) acknowledged.push(n);
      } catch {
        // the process died with this request in flight: it was never acknowledged
      }
    }
  };
  const senders = Array.from({ length: 8 }, send);
  await waitFor(() => acknowledged.length >= 300 && simulator.requests.length >= 3);
  const exited = new Promise((resolve) => first.process.once("exit", resolve));
  first.process.kill("SIGKILL");
  killed = true;
  await Promise.all([exited, ...senders]);
  simulator.setLatency(0);

  const second = await startAppServer({ ...env, DATABASE_URL: first.databaseUrl });
  servers.push(second);
  await waitFor(async () => (await db.delivery.count({ where: { status: { not: "delivered" } } })) === 0, 30_000);

  const received = simulator.events().map((event) => (event.properties as { n: number }).n);
  const receivedSet = new Set(received);
  const lost = acknowledged.filter((n) => !receivedSet.has(n));
  expect(lost).toEqual([]);
  const duplicateObjects =
    simulator.events().length + simulator.attributes().length - 2 * (await db.inboundMessage.count());
  expect(duplicateObjects).toBeGreaterThanOrEqual(0);
  expect(duplicateObjects).toBeLessThanOrEqual(2 * 75);
  console.log(
    `acknowledged ${acknowledged.length}, delivered ${receivedSet.size}, duplicate objects at Braze ${duplicateObjects}`,
  );
  await db.$disconnect();
}, 90_000);
