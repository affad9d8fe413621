// Failure drill: a corpus of bad inputs across every ingress route. Each gets its specific 4xx, nothing is
// stored anywhere, and the process stays healthy.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { openDatabase, signShopifyWebhook } from "../support/shopify.ts";
import { createShop, signOkendo, type TestShop } from "../support/okendo.ts";
import { TEST_API_SECRET } from "../support/test-env.ts";

let app: AppServer;
let db: PrismaClient;
let shop: TestShop;

beforeAll(async () => {
  app = await startAppServer();
  db = openDatabase(app.databaseUrl);
  shop = await createShop(db);
});
afterAll(async () => {
  await db.$disconnect();
  await app.stop();
});

const envelope = {
  event: "Submitted Okendo Survey",
  occurredAt: "2026-11-26T10:00:00Z",
  customer: { email: "pat@example.com" },
  properties: { nps: 8 },
};
const otherSecret = "whsec_" + Buffer.from("someone-else's-secret-0123456789").toString("base64");
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

interface BadInput {
  name: string;
  status: number;
  request: () => { path: string; method?: string; headers?: Record<string, string>; body?: string };
}

function okendo(
  body: unknown,
  options: Parameters<typeof signOkendo>[1] = {},
  tweak?: (signed: ReturnType<typeof signOkendo>) => void,
) {
  return () => {
    const signed = signOkendo(body, options);
    tweak?.(signed);
    return { path: shop.webhookPath, headers: signed.headers, body: signed.body };
  };
}

function flow(makeBody: () => unknown, hmac?: string) {
  return () => {
    const body = makeBody();
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    return {
      path: "/flow/send-okendo-event",
      headers: {
        "content-type": "application/json",
        ...(hmac === undefined
          ? { "x-shopify-hmac-sha256": getHmac(raw, TEST_API_SECRET) }
          : hmac
            ? { "x-shopify-hmac-sha256": hmac }
            : {}),
      },
      body: raw,
    };
  };
}
// Nesting as text: JSON.stringify itself cannot go this deep.
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

function oversized(path: string, limitKiB: number) {
  return () => ({ path, headers: { "content-type": "application/json" }, body: "x".repeat(limitKiB * 1024 + 1) });
}

const flowRun = (properties: Record<string, string>) => ({
  shop_id: "1",
  shopify_domain: shop.domain,
  action_run_id: crypto.randomUUID(),
  action_definition_id: "send-okendo-event-to-braze",
  handle: "send-okendo-event-to-braze",
  properties,
});

function shopify(topic: string, path: string, tweak: (headers: Record<string, string>) => void) {
  return () => {
    const signed = signShopifyWebhook(topic, shop.domain, { customer: { id: 1, email: "pat@example.com" } });
    tweak(signed.headers);
    return { path, headers: signed.headers, body: signed.body };
  };
}

const corpus: BadInput[] = [
  // Okendo ingress: signatures and timestamps
  {
    name: "no signature headers",
    status: 401,
    request: () => ({
      path: shop.webhookPath,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(envelope),
    }),
  },
  { name: "signed with another secret", status: 401, request: okendo(envelope, { secret: otherSecret }) },
  {
    name: "body changed after signing",
    status: 401,
    request: okendo(envelope, {}, (s) => (s.body = s.body.replace("8", "9"))),
  },
  {
    name: "signature for another message id",
    status: 401,
    request: okendo(envelope, {}, (s) => (s.headers["svix-id"] = "msg_other")),
  },
  {
    name: "garbage signature",
    status: 401,
    request: okendo(envelope, {}, (s) => (s.headers["svix-signature"] = "v1,AAAA")),
  },
  {
    name: "unknown signature scheme only",
    status: 401,
    request: okendo(
      envelope,
      {},
      (s) => (s.headers["svix-signature"] = s.headers["svix-signature"]!.replace("v1,", "v2,")),
    ),
  },
  { name: "timestamp 10 minutes old", status: 401, request: okendo(envelope, { timestamp: minutesAgo(10) }) },
  { name: "timestamp 10 minutes ahead", status: 401, request: okendo(envelope, { timestamp: minutesAgo(-10) }) },
  {
    name: "timestamp not a number",
    status: 401,
    request: okendo(envelope, {}, (s) => (s.headers["svix-timestamp"] = "yesterday")),
  },
  {
    name: "half svix, half webhook headers",
    status: 401,
    request: okendo(envelope, {}, (s) => {
      s.headers["webhook-signature"] = s.headers["svix-signature"]!;
      delete s.headers["svix-signature"];
      delete s.headers["svix-id"];
    }),
  },
  // Okendo ingress: ids, methods, sizes
  {
    name: "unknown webhook id",
    status: 404,
    request: () => ({ ...okendo(envelope)(), path: `/webhooks/okendo/${crypto.randomUUID()}` }),
  },
  {
    name: "webhook id that is not an id",
    status: 404,
    request: () => ({ ...okendo(envelope)(), path: "/webhooks/okendo/..%2F..%2Fetc%2Fpasswd" }),
  },
  { name: "GET on the webhook URL", status: 405, request: () => ({ path: shop.webhookPath, method: "GET" }) },
  { name: "PUT on the webhook URL", status: 405, request: () => ({ ...okendo(envelope)(), method: "PUT" }) },
  {
    name: "body over 1 MiB",
    status: 413,
    request: okendo({ ...envelope, properties: { padding: "x".repeat(1024 * 1024) } }),
  },
  // Okendo ingress: encodings and JSON shapes (correctly signed)
  { name: "not JSON", status: 400, request: okendo("review=5&email=pat@example.com") },
  { name: "truncated JSON", status: 400, request: okendo(JSON.stringify(envelope).slice(0, 40)) },
  { name: "invalid UTF-8", status: 400, request: okendo(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1")) },
  { name: "a JSON array", status: 422, request: okendo([envelope]) },
  { name: "a JSON string", status: 422, request: okendo('"Okendo Review Created"') },
  { name: "JSON null", status: 422, request: okendo("null") },
  // Event envelope fields
  {
    name: "event name in the wrong case",
    status: 422,
    request: okendo({ ...envelope, event: "submitted okendo survey" }),
  },
  {
    name: "event that is not in the catalog",
    status: 422,
    request: okendo({ ...envelope, event: "Okendo Review Deleted" }),
  },
  { name: "occurredAt not a date", status: 422, request: okendo({ ...envelope, occurredAt: "last Tuesday" }) },
  {
    name: "occurredAt without a time zone",
    status: 422,
    request: okendo({ ...envelope, occurredAt: "2026-11-26T10:00:00" }),
  },
  { name: "no customer", status: 422, request: okendo({ ...envelope, customer: undefined }) },
  {
    name: "customer email not an email",
    status: 422,
    request: okendo({ ...envelope, customer: { email: "pat at example" } }),
  },
  {
    name: "customer with neither email nor ID",
    status: 422,
    request: okendo({ ...envelope, customer: { firstName: "Pat" } }),
  },
  { name: "properties an array", status: 422, request: okendo({ ...envelope, properties: [1, 2] }) },
  { name: "unexpected top-level key", status: 422, request: okendo({ ...envelope, shop: "evil.myshopify.com" }) },
  {
    name: "attribute reserved for Braze's Shopify app",
    status: 422,
    request: okendo({ ...envelope, attributes: { shopify_total_spent: 1 } }),
  },
  // Pathological but small, correctly signed (docs/decisions/0015)
  {
    name: "properties nested 6,000 levels deep",
    status: 422,
    request: okendo(JSON.stringify(envelope).replace('"properties":{"nps":8}', `"properties":${deepJson(6_000)}`)),
  },
  {
    name: "attributes nested 6,000 levels deep",
    status: 422,
    request: okendo(JSON.stringify(envelope).replace(/}$/, `,"attributes":${deepJson(6_000)}}`)),
  },
  {
    name: "an event name of 1,000,000 characters",
    status: 422,
    request: okendo({ ...envelope, event: "x".repeat(1_000_000) }),
  },
  {
    name: "an Okendo URL naming a topic that does not exist",
    status: 404,
    request: () => ({ ...okendo(envelope)(), path: `${shop.webhookPath}/review.explode` }),
  },
  // Shopify Flow action
  {
    name: "Flow run without HMAC",
    status: 401,
    request: flow(() => flowRun({ event: "Submitted Okendo Survey", email: "pat@example.com" }), ""),
  },
  {
    name: "Flow run with a wrong HMAC",
    status: 401,
    request: flow(() => flowRun({ event: "Submitted Okendo Survey", email: "pat@example.com" }), "bm90LXRoZS1obWFj"),
  },
  { name: "Flow run that is not JSON", status: 400, request: flow(() => "action_run_id=1") },
  {
    name: "Flow run without action_run_id",
    status: 400,
    request: flow(() => ({ shopify_domain: shop.domain, handle: "send-okendo-event-to-braze", properties: {} })),
  },
  {
    name: "Flow run with an unknown event",
    status: 422,
    request: flow(() => flowRun({ event: "Okendo Review Liked", email: "pat@example.com" })),
  },
  {
    name: "Flow run with properties that are not JSON",
    status: 422,
    request: flow(() => flowRun({ event: "Submitted Okendo Survey", email: "pat@example.com", properties: "{nps: 8" })),
  },
  { name: "GET on the Flow URL", status: 405, request: () => ({ path: "/flow/send-okendo-event", method: "GET" }) },
  {
    name: "Flow run with properties nested 6,000 levels deep",
    status: 422,
    request: flow(() =>
      flowRun({ event: "Submitted Okendo Survey", email: "pat@example.com", properties: deepJson(6_000) }),
    ),
  },
  // Bodies over a route's limit, unsigned (anyone can send them): refused before they are read
  { name: "body over 256 KiB to a Shopify webhook URL", status: 413, request: oversized("/webhooks/compliance", 256) },
  { name: "body over 256 KiB to the Flow URL", status: 413, request: oversized("/flow/send-okendo-event", 256) },
  { name: "body over 16 KiB to the login form", status: 413, request: oversized("/auth/login", 16) },
  { name: "body over 64 KiB to an admin page", status: 413, request: oversized("/app?index", 64) },
  // Shopify webhooks
  {
    name: "Shopify webhook with a wrong HMAC",
    status: 401,
    request: shopify("customers/redact", "/webhooks/compliance", (h) => (h["x-shopify-hmac-sha256"] = "AAAA")),
  },
  {
    name: "Shopify webhook without a topic",
    status: 400,
    request: shopify("customers/update", "/webhooks/customers", (h) => delete h["x-shopify-topic"]),
  },
  {
    name: "Shopify webhook for a shop that is not a shop",
    status: 400,
    request: shopify(
      "customers/update",
      "/webhooks/customers",
      (h) => (h["x-shopify-shop-domain"] = "evil.example.com"),
    ),
  },
  {
    name: "GET on a Shopify webhook URL",
    status: 405,
    request: () => ({ path: "/webhooks/compliance", method: "GET" }),
  },
];

async function storedCounts() {
  return {
    shops: await db.shop.count(),
    inbound: await db.inboundMessage.count(),
    deliveries: await db.delivery.count(),
    receipts: await db.shopifyWebhookReceipt.count(),
    privacy: await db.privacyRequest.count(),
    customers: await db.shopifyCustomer.count(),
    state: await db.customerState.count(),
  };
}

it(`answers each of ${corpus.length} bad inputs with its specific 4xx, stores nothing, and stays healthy`, async () => {
  expect(corpus.length).toBeGreaterThanOrEqual(30);
  const before = await storedCounts();
  const answers: string[] = [];
  for (const input of corpus) {
    const { path, method = "POST", headers, body } = input.request();
    const response = await fetch(app.url + path, { method, headers, body }).catch((error: Error) => error);
    if (response instanceof Error) {
      answers.push(`${input.name}: ${(response.cause as Error)?.message ?? response.message}`);
      continue;
    }
    answers.push(`${input.name}: ${response.status}`);
    await response.arrayBuffer();
  }
  expect(answers).toEqual(corpus.map((input) => `${input.name}: ${input.status}`));
  expect(await storedCounts()).toEqual(before);

  // Still healthy: the process is up and a good delivery goes through.
  expect(app.process.exitCode).toBeNull();
  const good = signOkendo(envelope);
  expect(
    (await fetch(app.url + shop.webhookPath, { method: "POST", headers: good.headers, body: good.body })).status,
  ).toBe(200);
}, 60_000);
