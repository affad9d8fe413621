// Shopify's app and privacy webhooks through HTTP against the built server, with real HMAC signatures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, type AppServer } from "../support/app-server.ts";
import { openDatabase, seedOfflineSession, signShopifyWebhook, type SignedWebhook } from "../support/shopify.ts";

let app: AppServer;
let db: PrismaClient;
let shop: string;

beforeAll(async () => {
  app = await startAppServer();
  db = openDatabase(app.databaseUrl);
});
afterAll(async () => {
  await db.$disconnect();
  await app.stop();
});
beforeEach(async () => {
  shop = `hooks-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  await seedOfflineSession(db, shop);
  await db.shop.create({
    data: {
      domain: shop,
      brazeEndpoint: "https://rest.iad-01.braze.com",
      brazeApiKeyEncrypted: "v1.sealed",
      brazeApiKeyLast4: "abcd",
      connectedAt: new Date(),
      connectionStatus: "connected",
    },
  });
});

const uris: Record<string, string> = {
  "app/uninstalled": "/webhooks/app/uninstalled",
  "app/scopes_update": "/webhooks/app/scopes_update",
  "customers/data_request": "/webhooks/compliance",
  "customers/redact": "/webhooks/compliance",
  "shop/redact": "/webhooks/compliance",
};

function deliver(topic: string, webhook: SignedWebhook) {
  return fetch(app.url + uris[topic], { method: "POST", headers: webhook.headers, body: webhook.body });
}

describe("app/uninstalled", () => {
  it("deletes the shop's sessions and Braze credentials", async () => {
    const response = await deliver("app/uninstalled", signShopifyWebhook("app/uninstalled", shop, { domain: shop }));
    expect(response.status).toBe(200);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect(await db.shop.findUnique({ where: { domain: shop } })).toMatchObject({
      connectionStatus: "disconnected",
      brazeApiKeyEncrypted: null,
      brazeEndpoint: null,
    });
  });

  it("a redelivery with the same event id changes nothing", async () => {
    const webhook = signShopifyWebhook("app/uninstalled", shop, { domain: shop });
    expect((await deliver("app/uninstalled", webhook)).status).toBe(200);
    await seedOfflineSession(db, shop); // the merchant reinstalled in between

    expect((await deliver("app/uninstalled", webhook)).status).toBe(200);
    expect(await db.session.count({ where: { shop } })).toBe(1);
  });

  it("a bad HMAC gets 401 and nothing is touched", async () => {
    const webhook = signShopifyWebhook("app/uninstalled", shop, { domain: shop }, { secret: "not-the-app-secret" });
    const response = await deliver("app/uninstalled", webhook);
    expect(response.status).toBe(401);
    expect(await db.session.count({ where: { shop } })).toBe(1);
    expect(await db.shopifyWebhookReceipt.count({ where: { shop } })).toBe(0);
    expect((await db.shop.findUnique({ where: { domain: shop } }))?.connectionStatus).toBe("connected");
  });

  it("missing Shopify headers get 400", async () => {
    const webhook = signShopifyWebhook("app/uninstalled", shop, { domain: shop });
    const { ["x-shopify-topic"]: _topic, ...headers } = webhook.headers;
    const response = await fetch(app.url + uris["app/uninstalled"], { method: "POST", headers, body: webhook.body });
    expect(response.status).toBe(400);
    expect(await db.session.count({ where: { shop } })).toBe(1);
  });
});

describe("app/scopes_update", () => {
  it("records the granted scopes on the shop's session", async () => {
    const payload = { id: 1, previous: ["read_customers", "read_orders"], current: ["read_customers"] };
    const response = await deliver("app/scopes_update", signShopifyWebhook("app/scopes_update", shop, payload));
    expect(response.status).toBe(200);
    expect((await db.session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_customers");
  });
});

describe("compliance topics", () => {
  const customer = { id: 6001, email: "jane@example.com", phone: null };

  it("customers/data_request records a report for the merchant", async () => {
    const payload = { shop_id: 1, shop_domain: shop, customer, orders_requested: [1], data_request: { id: 9 } };
    const response = await deliver(
      "customers/data_request",
      signShopifyWebhook("customers/data_request", shop, payload),
    );
    expect(response.status).toBe(200);
    const request = await db.privacyRequest.findFirstOrThrow({ where: { shop } });
    expect(request).toMatchObject({ topic: "customers/data_request", customerId: "6001", email: "jane@example.com" });
    expect(JSON.parse(request.outcome)).toEqual({ stored: [] });
  });

  it("customers/redact is recorded without the address it asks us to forget", async () => {
    const payload = { shop_id: 1, shop_domain: shop, customer, orders_to_redact: [] };
    const response = await deliver("customers/redact", signShopifyWebhook("customers/redact", shop, payload));
    expect(response.status).toBe(200);
    expect(await db.privacyRequest.findFirstOrThrow({ where: { shop } })).toMatchObject({
      topic: "customers/redact",
      customerId: "6001",
      email: null,
    });
  });

  it("shop/redact removes everything stored for the shop, and is harmless when redelivered", async () => {
    await deliver("customers/data_request", signShopifyWebhook("customers/data_request", shop, { customer }));
    const webhook = signShopifyWebhook("shop/redact", shop, { shop_id: 1, shop_domain: shop });

    expect((await deliver("shop/redact", webhook)).status).toBe(200);
    expect(await db.shop.count({ where: { domain: shop } })).toBe(0);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect(await db.privacyRequest.count({ where: { shop } })).toBe(0);

    expect((await deliver("shop/redact", webhook)).status).toBe(200);
  });

  it("a bad HMAC on a compliance topic gets 401", async () => {
    const webhook = signShopifyWebhook("shop/redact", shop, { shop_domain: shop }, { secret: "wrong" });
    expect((await deliver("shop/redact", webhook)).status).toBe(401);
    expect(await db.shop.count({ where: { domain: shop } })).toBe(1);
  });
});

describe("admin pages", () => {
  it("refuse a request without a session token", async () => {
    const response = await fetch(`${app.url}/app?shop=${shop}&embedded=1`, {
      redirect: "manual",
      headers: { "user-agent": "Mozilla/5.0 Chrome/130" },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("/auth/login");
  });

  it("refuse an action whose bearer token is not signed with the app secret", async () => {
    const forged = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly9ldmlsLm15c2hvcGlmeS5jb20ifQ.c2lnbmF0dXJl";
    const response = await fetch(`${app.url}/app/settings`, {
      method: "POST",
      redirect: "manual",
      headers: {
        authorization: `Bearer ${forged}`,
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "Mozilla/5.0 Chrome/130",
      },
      body: "intent=disconnect",
    });
    expect(response.status).toBe(401);
    expect((await db.shop.findUnique({ where: { domain: shop } }))?.connectionStatus).toBe("connected");
  });
});

describe("event ids", () => {
  it("are Shopify's per shop: the same id for another shop is another delivery, applied too", async () => {
    const other = `hooks-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    await seedOfflineSession(db, other);
    const eventId = crypto.randomUUID();
    for (const domain of [shop, other]) {
      const webhook = signShopifyWebhook(
        "app/scopes_update",
        domain,
        { current: ["read_customers", "x"] },
        { eventId },
      );
      expect((await deliver("app/scopes_update", webhook)).status).toBe(200);
    }
    for (const domain of [shop, other]) {
      expect(await db.session.findFirstOrThrow({ where: { shop: domain } })).toMatchObject({
        scope: "read_customers,x",
      });
    }
  });
});
