// Shopify's customers/create, customers/update and customers/delete webhooks keep the email ↔ customer ID cache that
// identity resolution reads. Through HTTP against the built server, with real HMAC signatures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import type { AppServer } from "../support/app-server.ts";
import type { BrazeSimulator } from "../support/braze-simulator.ts";
import { startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, postOkendo, waitFor } from "../support/okendo.ts";
import { signShopifyWebhook, type SignedWebhook } from "../support/shopify.ts";

let app: AppServer;
let db: PrismaClient;
let simulator: BrazeSimulator;

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
  ({ app, db, braze: simulator } = pipeline);
});
afterAll(() => pipeline?.stop());

function deliver(webhook: SignedWebhook) {
  return fetch(`${app.url}/webhooks/customers`, { method: "POST", headers: webhook.headers, body: webhook.body });
}

// The REST-style customer payloads Shopify sends (trimmed to what matters here plus some noise).
const saved = (id: number, email: string | null) => ({
  id,
  email,
  first_name: "Jane",
  last_name: "Doe",
  state: "enabled",
  admin_graphql_api_id: `gid://shopify/Customer/${id}`,
});
const deleted = (id: number) => ({
  id,
  phone: null,
  addresses: [],
  admin_graphql_api_id: `gid://shopify/Customer/${id}`,
});

const cacheOf = (shop: string) =>
  db.shopifyCustomer.findMany({
    where: { shop },
    orderBy: { customerId: "asc" },
    select: { customerId: true, email: true },
  });

describe("customers webhooks", () => {
  it("customers/create remembers the customer's normalized email", async () => {
    const { domain } = await createShop(db);
    const response = await deliver(
      signShopifyWebhook("customers/create", domain, saved(7001, " Jane.Doe@Example.com ")),
    );
    expect(response.status).toBe(200);
    expect(await cacheOf(domain)).toEqual([{ customerId: "7001", email: "jane.doe@example.com" }]);
  });

  it("customers/update follows an email change, and a redelivered older update changes nothing", async () => {
    const { domain } = await createShop(db);
    const first = signShopifyWebhook("customers/update", domain, saved(7002, "old@example.com"));
    expect((await deliver(first)).status).toBe(200);
    expect((await deliver(signShopifyWebhook("customers/update", domain, saved(7002, "new@example.com")))).status).toBe(
      200,
    );
    expect((await deliver(first)).status).toBe(200); // same X-Shopify-Event-Id: already applied

    expect(await cacheOf(domain)).toEqual([{ customerId: "7002", email: "new@example.com" }]);
    expect(await db.shopifyWebhookReceipt.count({ where: { shop: domain } })).toBe(2);
  });

  it("an address taken over by another customer leaves the previous one", async () => {
    const { domain } = await createShop(db);
    await deliver(signShopifyWebhook("customers/create", domain, saved(7003, "shared@example.com")));
    await deliver(signShopifyWebhook("customers/update", domain, saved(7004, "shared@example.com")));
    expect(await cacheOf(domain)).toEqual([
      { customerId: "7003", email: null },
      { customerId: "7004", email: "shared@example.com" },
    ]);
  });

  it("customers/delete forgets the customer", async () => {
    const { domain } = await createShop(db);
    await deliver(signShopifyWebhook("customers/create", domain, saved(7005, "gone@example.com")));
    await deliver(signShopifyWebhook("customers/create", domain, saved(7006, "stays@example.com")));
    const response = await deliver(signShopifyWebhook("customers/delete", domain, deleted(7005)));
    expect(response.status).toBe(200);
    expect(await cacheOf(domain)).toEqual([{ customerId: "7006", email: "stays@example.com" }]);
  });

  it("a bad HMAC gets 401 and the cache is untouched", async () => {
    const { domain } = await createShop(db);
    const webhook = signShopifyWebhook("customers/create", domain, saved(7007, "x@example.com"), { secret: "wrong" });
    expect((await deliver(webhook)).status).toBe(401);
    expect(await cacheOf(domain)).toEqual([]);
    expect(await db.shopifyWebhookReceipt.count({ where: { shop: domain } })).toBe(0);
  });

  it("with the Shopify Customer ID toggle on, an envelope with only a cached customer's email goes out under their ID", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    await deliver(signShopifyWebhook("customers/create", shop.domain, saved(7008123, "Cached@Example.com")));

    const { response } = await postOkendo(app.url, shop, {
      event: "Submitted Okendo Quiz",
      occurredAt: "2026-11-26T10:00:00Z",
      customer: { email: "cached@example.com" },
      properties: { quiz_name: "Skin finder" },
    });
    expect(response.status).toBe(200);

    const [event] = await waitFor(() => {
      const found = simulator
        .events()
        .filter((object) => object.name === "Submitted Okendo Quiz" && object.external_id === "7008123");
      return found.length > 0 && found;
    });
    expect(event).toMatchObject({ external_id: "7008123", properties: { quiz_name: "Skin finder" } });
    expect(event).not.toHaveProperty("email");
    // The email travels as an attribute on the same profile, not as a second identifier.
    await waitFor(() =>
      simulator
        .attributes()
        .some((object) => object.external_id === "7008123" && object.email === "cached@example.com"),
    );
  });
});
