// Shared helpers for the event-pipeline integration tests: an app server wired to a Braze simulator, shops
// connected and disconnected the way the settings screen leaves them, envelopes, and what Braze received.
import type { PrismaClient } from "@prisma/client";
import { createSecretBox } from "../../app/settings/secret-box.server.ts";
import { freePort, startAppServer, type AppServer } from "./app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "./braze-simulator.ts";
import { postOkendo, type TestShop } from "./okendo.ts";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "./shopify-admin-stand-in.ts";
import { openDatabase } from "./shopify.ts";
import { TEST_ENCRYPTION_KEY } from "./test-env.ts";

export interface Pipeline {
  app: AppServer;
  db: PrismaClient;
  braze: BrazeSimulator;
  // Shopify's Admin API (the identity look-up by email), replaced at the network edge; it knows no customers
  // unless a test adds some. Without it the look-up goes to the real Shopify and fails.
  shopifyAdmin: ShopifyAdminStandIn;
  stop(): Promise<void>;
}

// Fast defaults for tests; each test file may override any of them.
export async function startPipeline(env: Record<string, string> = {}): Promise<Pipeline> {
  const braze = await startBrazeSimulator();
  const shopifyAdmin = await startShopifyAdminStandIn();
  const app = await startAppServer(
    {
      BRAZE_EXTRA_ENDPOINTS: braze.url,
      SHOPIFY_ADMIN_STAND_IN: shopifyAdmin.url,
      DELIVERY_POLL_MS: "50",
      DELIVERY_RETRY_BASE_MS: "200",
      ...env,
    },
    { preload: ["./tests/support/shopify-admin-redirect.mjs"] },
  );
  const db = openDatabase(app.databaseUrl);
  return {
    app,
    db,
    braze,
    shopifyAdmin,
    async stop() {
      await db.$disconnect();
      await app.stop();
      await shopifyAdmin.close();
      await braze.close();
    },
  };
}

/** A pipeline Okendo (its simulator at `okendoUrl`) can reach: the app's public URL is the test server's own, so
 * the subscriptions Connect creates deliver back to it. */
export async function startPipelineReachableByOkendo(
  okendoUrl: string,
  env: Record<string, string> = {},
): Promise<Pipeline> {
  const port = await freePort();
  return startPipeline({
    PORT: String(port),
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    OKENDO_EXTRA_API_URLS: okendoUrl,
    ...env,
  });
}

const box = createSecretBox(TEST_ENCRYPTION_KEY);

// What a successful Save on the settings screen leaves in the shop's row (the UI path has its own browser tests).
export async function connectShop(db: PrismaClient, domain: string, brazeUrl: string, apiKey: string) {
  await db.shop.update({
    where: { domain },
    data: {
      brazeEndpoint: brazeUrl,
      brazeApiKeyEncrypted: box.seal(apiKey, domain),
      brazeApiKeyLast4: apiKey.slice(-4),
      connectedAt: new Date(),
      connectionStatus: "connected",
      connectionError: null,
    },
  });
}

export interface Customer {
  email?: string;
  shopifyCustomerId?: string;
  firstName?: string;
  lastName?: string;
}

export function envelope(
  event: string,
  customer: Customer,
  properties: Record<string, unknown> = {},
  extra: { occurredAt?: string; attributes?: Record<string, unknown> } = {},
) {
  return {
    event,
    occurredAt: extra.occurredAt ?? new Date().toISOString(),
    customer,
    properties,
    ...(extra.attributes ? { attributes: extra.attributes } : {}),
  };
}

// Posts every body (signed, each with its own message id), `concurrency` at a time; fails on anything but 200.
export async function postAll(appUrl: string, shop: TestShop, bodies: unknown[], concurrency = 8) {
  let next = 0;
  const answers: unknown[] = new Array(bodies.length);
  async function lane() {
    while (next < bodies.length) {
      const index = next++;
      const { response, json } = await postOkendo(appUrl, shop, bodies[index]);
      if (response.status !== 200)
        throw new Error(`POST ${index} answered ${response.status}: ${JSON.stringify(json)}`);
      answers[index] = json;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, lane));
  return answers;
}

export type ReceivedObject = { type: "attributes" | "event"; object: Record<string, unknown>; requestId: number };

// Every object Braze processed for this API key, in the order Braze got them (request by request; within a
// request attributes before events, as Braze applies them). Objects Braze refused are not included.
export function receivedBy(braze: BrazeSimulator, apiKey: string): ReceivedObject[] {
  const strip =
    (type: "attributes" | "event") =>
    (o: Record<string, unknown>): ReceivedObject => {
      const { apiKey: _key, requestId, ...object } = o;
      return { type, object, requestId: requestId as number };
    };
  const attributes = braze
    .attributes()
    .filter((o) => o.apiKey === apiKey)
    .map(strip("attributes"));
  const events = braze
    .events()
    .filter((o) => o.apiKey === apiKey)
    .map(strip("event"));
  // Stable sort: each list is already in request order.
  return [...attributes, ...events].sort(
    (a, b) => a.requestId - b.requestId || (a.type === b.type ? 0 : a.type === "attributes" ? -1 : 1),
  );
}

export function trackRequests(braze: BrazeSimulator, apiKey: string) {
  return braze.requests.filter((r) => r.path === "/users/track" && r.apiKey === apiKey);
}

export async function deliveryStatuses(db: PrismaClient, shop: string): Promise<Record<string, number>> {
  const groups = await db.delivery.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
}

// True once no row of the shop is still waiting to go out (queued, retrying, or waiting for its identifier).
export async function settled(db: PrismaClient, shop: string): Promise<boolean> {
  return (
    (await db.delivery.count({ where: { shop, status: { in: ["queued", "retrying", "waiting_identity"] } } })) === 0
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
