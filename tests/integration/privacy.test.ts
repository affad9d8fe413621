// Shopify's privacy webhooks acting on pipeline data: customers/redact erases the customer here and in Braze
// (/users/delete), customers/data_request reports what is stored, shop/redact removes everything. Through HTTP
// against the built server and the Braze simulator, with real HMAC signatures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import type { AppServer } from "../support/app-server.ts";
import type { BrazeSimulator } from "../support/braze-simulator.ts";
import { startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import { signShopifyWebhook } from "../support/shopify.ts";

let app: AppServer;
let db: PrismaClient;
let simulator: BrazeSimulator;

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
  ({ app, db, braze: simulator } = pipeline);
});
afterAll(() => pipeline?.stop());

const uris: Record<string, string> = {
  "customers/create": "/webhooks/customers",
  "customers/data_request": "/webhooks/compliance",
  "customers/redact": "/webhooks/compliance",
  "shop/redact": "/webhooks/compliance",
  "app/uninstalled": "/webhooks/app/uninstalled",
};

async function deliverShopify(topic: string, shop: string, payload: unknown) {
  const webhook = signShopifyWebhook(topic, shop, payload);
  const response = await fetch(app.url + uris[topic], { method: "POST", headers: webhook.headers, body: webhook.body });
  expect(response.status).toBe(200);
}

let sequence = 0;
function envelope(
  customer: Record<string, unknown>,
  event = "Okendo Review Created",
  properties: Record<string, unknown> = {},
) {
  sequence += 1;
  return {
    event,
    occurredAt: new Date(Date.UTC(2026, 10, 26, 10, 0, sequence)).toISOString(),
    customer,
    properties:
      event === "Okendo Review Created" ? { rating: 4, overall_sentiment: "positive", ...properties } : properties,
  };
}

async function sendOkendo(shop: TestShop, body: unknown) {
  const { response } = await postOkendo(app.url, shop, body);
  expect(response.status).toBe(200);
}

const settled = (shop: string) =>
  waitFor(
    async () =>
      (await db.delivery.count({ where: { shop, status: { in: ["queued", "retrying", "waiting_identity"] } } })) === 0,
  );

async function privacyRequest(shop: string, topic: string) {
  return db.privacyRequest.findFirstOrThrow({ where: { shop, topic }, orderBy: { id: "desc" } });
}

describe("customers/redact", () => {
  it("deletes the identifiers used in Braze, cancels what was not sent yet and purges local data", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    const customer = { id: 8001, email: "Red.Acted@Example.com" };
    // What the app knows about the customer: the identity cache, an event under their customer ID, one under
    // Braze's email identifier (sent before the customer existed in Shopify), review aggregates.
    await sendOkendo(shop, envelope({ email: "red.acted@example.com" }));
    await settled(shop.domain);
    await deliverShopify("customers/create", shop.domain, { id: 8001, email: "red.acted@example.com" });
    await sendOkendo(
      shop,
      envelope({ shopifyCustomerId: "8001", email: "red.acted@example.com" }, "Enrolled in Okendo Loyalty"),
    );
    // Someone else's data must survive.
    await sendOkendo(
      shop,
      envelope({ shopifyCustomerId: "8002", email: "bystander@example.com" }, "Enrolled in Okendo Loyalty"),
    );
    await settled(shop.domain);
    await deliverShopify("customers/data_request", shop.domain, { customer });
    const sentBefore = simulator
      .events()
      .filter((event) => event.external_id === "8001" || event.email === "red.acted@example.com");
    expect(sentBefore).toHaveLength(2);

    // One more event is waiting for a retry when the request comes in.
    simulator.failNext(1, { status: 503 });
    await sendOkendo(shop, envelope({ shopifyCustomerId: "8001" }, "Okendo Loyalty Points Awarded", { points: 100 }));
    await waitFor(async () => (await db.delivery.count({ where: { shop: shop.domain, status: "retrying" } })) > 0);

    await deliverShopify("customers/redact", shop.domain, { shop_domain: shop.domain, customer, orders_to_redact: [] });

    const [deletion] = await waitFor(() => {
      const found = simulator
        .deletions()
        .filter((request) => request.apiKey && JSON.stringify(request.body).includes("8001"));
      return found.length > 0 && found;
    });
    expect(deletion!.body).toEqual({
      external_ids: ["8001"],
      email_addresses: [{ email: "red.acted@example.com", prioritization: ["most_recently_updated"] }],
    });

    // Nothing about the customer is left but the deletion row, which shows Braze took it.
    const rows = await db.delivery.findMany({
      where: { shop: shop.domain, OR: [{ shopifyCustomerId: "8001" }, { customerEmail: "red.acted@example.com" }] },
    });
    expect(rows.map((row) => [row.kind, row.status])).toEqual([["delete", "delivered"]]);
    // Once Braze took the deletion, the row keeps counts, not the identifiers.
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ deleted: { external_ids: 1, email_addresses: 1 } });
    expect(rows[0]!.payload.toLowerCase()).not.toContain("red.acted");
    expect(await db.shopifyCustomer.count({ where: { shop: shop.domain } })).toBe(0);
    expect(await db.customerState.count({ where: { shop: shop.domain, customerKey: "red.acted@example.com" } })).toBe(
      0,
    );
    const inbound = await db.inboundMessage.findMany({ where: { shop: shop.domain } });
    expect(inbound.some((message) => /red\.acted|8001/i.test(message.payload))).toBe(false);
    expect(inbound.filter((message) => message.payload.includes("bystander@example.com"))).toHaveLength(1);
    expect(await db.delivery.count({ where: { shop: shop.domain, shopifyCustomerId: "8002" } })).toBeGreaterThan(0);

    // The cancelled event never reaches Braze, even after its retry time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      simulator
        .events()
        .filter((event) => event.name === "Okendo Loyalty Points Awarded" && event.external_id === "8001"),
    ).toEqual([]);

    const request = await privacyRequest(shop.domain, "customers/redact");
    expect(request).toMatchObject({ customerId: "8001", email: null });
    // The earlier data report held the same data: it goes too.
    expect(await db.privacyRequest.count({ where: { shop: shop.domain, topic: "customers/data_request" } })).toBe(0);
    expect(request.outcome.toLowerCase()).not.toContain("red.acted@example.com");
    expect(JSON.parse(request.outcome)).toMatchObject({
      removed: { cancelledDeliveries: 1, inboundMessages: 3, shopifyCustomers: 1, customerStates: 1, dataReports: 1 },
      braze: { deletionDeliveryIds: [rows[0]!.id], externalIds: 1, emailAddresses: 1 },
    });
  });

  it("records the deletion as failed, with the reason, when the Braze key lacks users.delete", async () => {
    const shop = await createShop(db, {
      brazeUrl: simulator.url,
      apiKey: `trackonly-${crypto.randomUUID()}`,
      identifyByCustomerId: true,
    });
    await sendOkendo(shop, envelope({ shopifyCustomerId: "8101" }, "Enrolled in Okendo Loyalty"));
    await settled(shop.domain);
    expect(simulator.events().filter((event) => event.external_id === "8101")).toHaveLength(1);

    await deliverShopify("customers/redact", shop.domain, {
      shop_domain: shop.domain,
      customer: { id: 8101, email: "t@example.com" },
    });

    const { braze } = JSON.parse((await privacyRequest(shop.domain, "customers/redact")).outcome) as {
      braze: { deletionDeliveryIds: number[] };
    };
    expect(braze.deletionDeliveryIds).toHaveLength(1);
    const row = await waitFor(async () => {
      const found = await db.delivery.findUniqueOrThrow({ where: { id: braze.deletionDeliveryIds[0]! } });
      return found.status !== "queued" && found;
    });
    expect(row).toMatchObject({ kind: "delete", status: "failed" });
    expect(row.lastError).toContain("users.delete permission");
    // Tracking still works: a missing delete permission does not break the connection.
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).connectionStatus).toBe("connected");
  });

  it("splits more than 50 identifiers into several deletions", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    // The shop identified the customer by email, and the customer changed address many times; the cache knows them
    // only by their current address, so each old one is linked by the customer ID on the deliveries.
    for (let i = 0; i < 55; i++) {
      await sendOkendo(
        shop,
        envelope({ shopifyCustomerId: "8201", email: `many.${i}@example.com` }, "Submitted Okendo Survey"),
      );
    }
    await settled(shop.domain);

    await deliverShopify("customers/redact", shop.domain, { customer: { id: 8201, email: "many.54@example.com" } });
    const requests = await waitFor(() => {
      const found = simulator.deletions().filter((request) => JSON.stringify(request.body).includes("many."));
      return found.length === 2 && found;
    });
    const ids = requests.flatMap((request) => (request.body as { external_ids: string[] }).external_ids);
    expect(requests.map((request) => (request.body as { external_ids: string[] }).external_ids.length).sort()).toEqual([
      5, 50,
    ]);
    expect(new Set(ids).size).toBe(55);
  });
});

describe("customers/data_request", () => {
  it("reports the cache entry, the review state and every Braze object stored for the customer", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    await deliverShopify("customers/create", shop.domain, { id: 8301, email: "asks@example.com" });
    await sendOkendo(
      shop,
      envelope({ shopifyCustomerId: "8301", email: "asks@example.com" }, "Okendo Review Created", {
        product_name: "Serum",
      }),
    );
    await sendOkendo(
      shop,
      envelope({ shopifyCustomerId: "8302", email: "other@example.com" }, "Enrolled in Okendo Loyalty"),
    );
    await settled(shop.domain);

    await deliverShopify("customers/data_request", shop.domain, {
      customer: { id: 8301, email: "asks@example.com" },
      orders_requested: [],
      data_request: { id: 1 },
    });

    const request = await privacyRequest(shop.domain, "customers/data_request");
    expect(request).toMatchObject({ customerId: "8301", email: "asks@example.com" });
    const { stored } = JSON.parse(request.outcome) as {
      stored: { what: string; records: Record<string, unknown>[] }[];
    };
    const section = (word: string) => stored.find((entry) => entry.what.includes(word))?.records ?? [];

    expect(section("Shopify customer ID")).toEqual([
      expect.objectContaining({ customerId: "8301", email: "asks@example.com" }),
    ]);
    expect(section("Review aggregates")).toEqual([expect.objectContaining({ key: "asks@example.com" })]);
    const deliveries = section("Events and attribute updates");
    expect(deliveries.length).toBeGreaterThanOrEqual(2); // the attribute update and the event
    expect(deliveries).toContainEqual(
      expect.objectContaining({
        kind: "event",
        eventName: "Okendo Review Created",
        status: "delivered",
        deliveredAt: expect.any(String),
        brazeObject: expect.objectContaining({
          external_id: "8301",
          name: "Okendo Review Created",
          properties: expect.objectContaining({ product_name: "Serum" }),
        }),
      }),
    );
    expect(section("Messages received")).toHaveLength(1);
    expect(request.outcome).not.toContain("other@example.com");
    // Reporting changes nothing.
    expect(await db.delivery.count({ where: { shop: shop.domain, shopifyCustomerId: "8301" } })).toBe(
      deliveries.length,
    );
  });
});

describe("shop/redact", () => {
  it("leaves nothing stored for the shop", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    const other = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    for (const each of [shop, other]) {
      await deliverShopify("customers/create", each.domain, { id: 8401, email: "gone@example.com" });
      await sendOkendo(each, envelope({ shopifyCustomerId: "8401", email: "gone@example.com" }));
    }
    await settled(shop.domain);
    await deliverShopify("customers/data_request", shop.domain, { customer: { id: 8401 } });

    await deliverShopify("shop/redact", shop.domain, { shop_id: 1, shop_domain: shop.domain });

    const where = { shop: shop.domain };
    expect(
      await Promise.all([
        db.shop.count({ where: { domain: shop.domain } }),
        db.session.count({ where }),
        db.delivery.count({ where }),
        db.inboundMessage.count({ where }),
        db.shopifyCustomer.count({ where }),
        db.customerState.count({ where }),
        db.privacyRequest.count({ where }),
      ]),
    ).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // Another shop's data is untouched.
    expect(await db.inboundMessage.count({ where: { shop: other.domain } })).toBe(1);
    expect(await db.shopifyCustomer.count({ where: { shop: other.domain } })).toBe(1);
  });
});

describe("app/uninstalled", () => {
  it("cancels what was not sent yet, keeping it visible, and closes the shop's Okendo URL (410, nothing stored)", async () => {
    const shop = await createShop(db); // not connected to Braze: everything waits
    await sendOkendo(shop, envelope({ shopifyCustomerId: "8501" }, "Enrolled in Okendo Loyalty"));
    const waiting = await db.delivery.count({ where: { shop: shop.domain, status: "queued" } });
    expect(waiting).toBeGreaterThan(0);

    await deliverShopify("app/uninstalled", shop.domain, { domain: shop.domain });
    expect(await db.delivery.count({ where: { shop: shop.domain, status: "queued" } })).toBe(0);
    const cancelled = await db.delivery.findMany({ where: { shop: shop.domain, status: "cancelled" } });
    expect(cancelled).toHaveLength(waiting);
    expect(cancelled[0]!.lastError).toBe("Not sent: the shop uninstalled the app.");

    const before = { inbound: await db.inboundMessage.count(), deliveries: await db.delivery.count() };
    const { response, json } = await postOkendo(app.url, shop, envelope({ email: "late@example.com" }));
    expect(response.status).toBe(410);
    expect(json).toEqual({ error: expect.stringContaining("uninstalled the app") });
    expect({ inbound: await db.inboundMessage.count(), deliveries: await db.delivery.count() }).toEqual(before);
  });
});
