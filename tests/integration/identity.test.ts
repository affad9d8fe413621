// Who Braze sees, per the shop's "Use Shopify Customer ID for Braze user identification" toggle, through the
// signed ingress, the worker and Braze (simulator), with Shopify's Admin API replaced at the network edge.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import type { AppServer } from "../support/app-server.ts";
import type { BrazeSimulator } from "../support/braze-simulator.ts";
import { startPipeline, type Pipeline } from "../support/pipeline.ts";
import type { ShopifyAdminStandIn } from "../support/shopify-admin-stand-in.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";

let simulator: BrazeSimulator;
let shopifyAdmin: ShopifyAdminStandIn;
let app: AppServer;
let db: PrismaClient;

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
  ({ app, db, braze: simulator, shopifyAdmin } = pipeline);
});
afterAll(() => pipeline?.stop());
beforeEach(() => {
  shopifyAdmin.failWith = null;
});

function surveyFrom(customer: Record<string, string>) {
  return {
    event: "Submitted Okendo Survey",
    occurredAt: "2026-11-26T09:30:00Z",
    customer,
    properties: { survey_id: crypto.randomUUID(), nps: 10 },
  };
}

async function sentToBraze(shop: TestShop, customer: Record<string, string>) {
  const body = surveyFrom(customer);
  const { response } = await postOkendo(app.url, shop, body);
  expect(response.status).toBe(200);
  const surveyId = body.properties.survey_id;
  return waitFor(() =>
    simulator.events().find((event) => (event.properties as { survey_id?: string }).survey_id === surveyId),
  );
}

function identifiersOf(object: Record<string, unknown>) {
  return ["external_id", "user_alias", "braze_id"].filter((key) => key in object);
}

describe("Shopify Customer ID toggle on", () => {
  it("uses the customer ID the message carries", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    const event = await sentToBraze(shop, { email: "ana@example.com", shopifyCustomerId: "7001" });
    expect(event.external_id).toBe("7001");
    expect(identifiersOf(event)).toEqual(["external_id"]);
    expect(event).not.toHaveProperty("email");
  });

  it("looks an email up in Shopify once, then uses the cached customer ID", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    shopifyAdmin.customers.set(shop.domain, [{ id: "8123", email: "bo@example.com" }]);

    expect((await sentToBraze(shop, { email: "Bo@Example.com" })).external_id).toBe("8123");
    expect((await sentToBraze(shop, { email: "bo@example.com" })).external_id).toBe("8123");
    expect(shopifyAdmin.lookups.filter((lookup) => lookup.shop === shop.domain)).toHaveLength(1);
  });

  it("falls back to Braze's email identifier when Shopify has no such customer, and says so", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    const event = await sentToBraze(shop, { email: "guest@example.com" });
    expect(event.email).toBe("guest@example.com");
    expect(identifiersOf(event)).toEqual([]);
    const row = await db.delivery.findFirstOrThrow({ where: { shop: shop.domain, kind: "event" } });
    expect(row.identifierType).toBe("email");
    expect(row.note).toContain("No Shopify customer has this email");
  });

  it("waits while Shopify's look-up fails — never falling back to the email identifier — then sends with the ID", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    shopifyAdmin.failWith = 500;
    const body = surveyFrom({ email: "cy@example.com" });
    const { response, json } = await postOkendo(app.url, shop, body);
    // Answered at once: the look-up is the worker's, not the request's.
    expect(response.status).toBe(200);
    expect(json).toEqual({ status: "accepted", deliveries: 2 });

    const waiting = await waitFor(async () => {
      const rows = await db.delivery.findMany({ where: { shop: shop.domain, status: "waiting_identity" } });
      return rows.length === 2 && rows.every((row) => row.attempts >= 2) && rows;
    });
    expect(waiting.map((row) => row.lastError)).toEqual([
      expect.stringContaining("Shopify customer look-up failed"),
      expect.stringContaining("Shopify customer look-up failed"),
    ]);
    const surveyId = body.properties.survey_id;
    const sent = () =>
      simulator.events().filter((event) => (event.properties as { survey_id?: string }).survey_id === surveyId);
    expect(sent()).toEqual([]);

    shopifyAdmin.failWith = null;
    shopifyAdmin.customers.set(shop.domain, [{ id: "8124", email: "cy@example.com" }]);
    const [event] = await waitFor(() => sent().length > 0 && sent());
    expect(event!.external_id).toBe("8124");
    expect(identifiersOf(event!)).toEqual(["external_id"]);
    const attributes = await waitFor(() => {
      const found = simulator.attributes().filter((object) => object.external_id === "8124");
      return found.length > 0 && found;
    });
    expect(attributes).toEqual([expect.objectContaining({ email: "cy@example.com", okendo_latest_nps: 10 })]);
  });

  it("does not take another customer Shopify's loose search returns for the one asked about", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    // Shopify's customer search matches parts of addresses: asking for an@… also finds dan@….
    shopifyAdmin.customers.set(shop.domain, [{ id: "8125", email: "dan@example.com" }]);
    const event = await sentToBraze(shop, { email: "an@example.com" });
    expect(event.email).toBe("an@example.com");
    expect(identifiersOf(event)).toEqual([]);
  });
});

describe("Shopify Customer ID toggle off", () => {
  it("uses the normalized email address as external_id", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    const event = await sentToBraze(shop, { email: "  Dee@Example.COM ", shopifyCustomerId: "9001" });
    expect(event.external_id).toBe("dee@example.com");
    expect(identifiersOf(event)).toEqual(["external_id"]);
  });

  it("stores a message with no usable identifier as failed with the reason, and sends nothing", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    const { response } = await postOkendo(app.url, shop, surveyFrom({ shopifyCustomerId: "9002" }));
    expect(response.status).toBe(200);
    const row = await db.delivery.findFirstOrThrow({ where: { shop: shop.domain } });
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("No email address for this customer");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.requests.filter((request) => JSON.stringify(request.body).includes("9002"))).toEqual([]);
  });
});
