// The Shopify Flow action "Send Okendo event to Braze" through HTTP against the built server, with real HMAC
// signatures (Flow signs action runs like webhooks: base64 HMAC-SHA256 of the body with the API secret).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { CATALOG_EVENT_NAMES } from "../../app/catalog/names.ts";
import type { AppServer } from "../support/app-server.ts";
import type { BrazeSimulator } from "../support/braze-simulator.ts";
import { startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, waitFor } from "../support/okendo.ts";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { FLOW_ACTION_HANDLE, runFlowAction, type ActionFields } from "../support/flow.ts";
import { TEST_API_SECRET } from "../support/test-env.ts";

let app: AppServer;
let db: PrismaClient;
let simulator: BrazeSimulator;

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
  ({ app, db, braze: simulator } = pipeline);
});
afterAll(() => pipeline?.stop());

const runAction = (shop: string, fields: ActionFields, options?: Parameters<typeof runFlowAction>[3]) =>
  runFlowAction(app.url, shop, fields, options);

const eventsFor = (externalId: string) => simulator.events().filter((event) => event.external_id === externalId);

describe("the extension", () => {
  const toml = readFileSync("extensions/send-okendo-event/shopify.extension.toml", "utf8");

  it("is a flow_action whose handle the runtime route checks, posting to the route's path", () => {
    expect(toml).toMatch(/^type = "flow_action"$/m);
    expect(toml).toContain(`handle = "${FLOW_ACTION_HANDLE}"`);
    expect(toml).toMatch(/^runtime_url = "https:\/\/[^"]+\/flow\/send-okendo-event"$/m);
    expect(toml).toMatch(/type = "customer_reference"/);
  });

  it("lists every catalog event name in the event field's description", () => {
    const description = /key = "event"[\s\S]*?description = "([^"]+)"/.exec(toml)?.[1] ?? "";
    for (const name of CATALOG_EVENT_NAMES) expect(description).toContain(name);
  });
});

describe("a run of the action", () => {
  it("reaches Braze as the catalog event with the properties given", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    const response = await runAction(shop.domain, {
      email: "Flow.Reviewer@Example.com",
      event: "Okendo Review Created",
      properties: '{"rating": 5, "product_name": "Hydrating Face Serum", "is_recommended": true}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "accepted" });

    const [event] = await waitFor(() => {
      const found = eventsFor("flow.reviewer@example.com");
      return found.length > 0 && found;
    });
    expect(event).toMatchObject({
      name: "Okendo Review Created",
      properties: { rating: 5, product_name: "Hydrating Face Serum", is_recommended: true },
    });
    const inbound = await db.inboundMessage.findFirstOrThrow({ where: { shop: shop.domain } });
    expect(inbound).toMatchObject({ source: "flow", status: "mapped" });
  });

  it.each([
    ["lower case", "okendo loyalty points awarded"],
    ["extra spaces", "  Okendo  Loyalty Points   Awarded "],
    ["the slug", "okendo-loyalty-points-awarded"],
  ])("accepts the event name typed with %s", async (_, typed) => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    const email = `sloppy-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const response = await runAction(shop.domain, { email, event: typed, properties: '{"points": 50}' });
    expect(response.status).toBe(200);
    const [event] = await waitFor(() => {
      const found = eventsFor(email);
      return found.length > 0 && found;
    });
    expect(event).toMatchObject({ name: "Okendo Loyalty Points Awarded", properties: { points: 50 } });
  });

  it("is sent once when Flow retries the same action_run_id", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: false });
    const actionRunId = crypto.randomUUID();
    const fields = {
      email: "retry@example.com",
      event: "Submitted Okendo Survey",
      properties: '{"survey_name": "NPS"}',
    };

    expect((await runAction(shop.domain, fields, { actionRunId })).status).toBe(200);
    await waitFor(() => eventsFor("retry@example.com").length > 0);
    const again = await runAction(shop.domain, fields, { actionRunId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate" });

    await new Promise((resolve) => setTimeout(resolve, 300)); // several worker polls
    expect(eventsFor("retry@example.com")).toHaveLength(1);
    expect(await db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(1);
  });

  it("uses the Flow customer's ID as external_id when the shop identifies by Shopify customer ID", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url, identifyByCustomerId: true });
    const response = await runAction(shop.domain, {
      customer_id: "7001234567890",
      event: "Enrolled in Okendo Loyalty",
    });
    expect(response.status).toBe(200);

    const [event] = await waitFor(() => {
      const found = eventsFor("7001234567890");
      return found.length > 0 && found;
    });
    expect(event).toMatchObject({ name: "Enrolled in Okendo Loyalty" });
    expect(event).not.toHaveProperty("email");
    const delivery = await db.delivery.findFirstOrThrow({ where: { shop: shop.domain, kind: "event" } });
    expect(delivery).toMatchObject({ identifierType: "external_id", shopifyCustomerId: "7001234567890" });
  });
});

describe("a refused run", () => {
  it("with a bad HMAC gets 401 and leaves nothing behind", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const response = await runAction(
      shop.domain,
      { email: "x@example.com", event: "Okendo Review Created" },
      { secret: "not-the-secret" },
    );
    expect(response.status).toBe(401);
    expect(await db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
    expect(await db.delivery.count({ where: { shop: shop.domain } })).toBe(0);
  });

  it("without a signature gets 401", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const response = await fetch(`${app.url}/flow/send-okendo-event`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ shopify_domain: shop.domain, action_run_id: "1", properties: {} }),
    });
    expect(response.status).toBe(401);
  });

  it('with an event name that is a near miss gets 422 with "did you mean", and nothing is stored', async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const response = await runAction(shop.domain, { email: "x@example.com", event: "Okendo Reveiw Created" });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; problems: string[] };
    expect(body.problems).toEqual([
      'Okendo event: "Okendo Reveiw Created" is not one of Okendo\'s events (did you mean "Okendo Review Created"?)',
    ]);
    expect(body.error).toContain("Okendo Reveiw Created");
    expect(await db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
    expect(await db.delivery.count({ where: { shop: shop.domain } })).toBe(0);
  });

  it("with properties that are not a JSON object gets 422 naming the field", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const broken = await runAction(shop.domain, {
      email: "x@example.com",
      event: "Okendo Review Created",
      properties: '{"rating": 5,',
    });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { problems: string[] }).problems[0]).toMatch(
      /^Event properties \(JSON\): is not valid JSON/,
    );

    const array = await runAction(shop.domain, {
      email: "x@example.com",
      event: "Okendo Review Created",
      properties: "[1, 2]",
    });
    expect(array.status).toBe(422);
    expect(((await array.json()) as { problems: string[] }).problems).toEqual([
      'Event properties (JSON): must be a JSON object such as {"rating": 5}, not an array',
    ]);
    expect(await db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
  });

  it("without a customer or an email gets 422 saying which fields to fill in", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const response = await runAction(shop.domain, { email: "", event: "Okendo Review Created" });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { problems: string[] }).problems).toEqual([
      "Customer: choose the customer, or fill in Email for a customer who is not in Shopify",
    ]);
  });

  it("for another action's handle gets 400", async () => {
    const shop = await createShop(db, { brazeUrl: simulator.url });
    const body = JSON.stringify({
      shop_id: "1",
      shopify_domain: shop.domain,
      action_run_id: crypto.randomUUID(),
      handle: "some-other-action",
      properties: { email: "x@example.com", event: "Okendo Review Created" },
    });
    const response = await fetch(`${app.url}/flow/send-okendo-event`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-hmac-sha256": getHmac(body, TEST_API_SECRET) },
      body,
    });
    expect(response.status).toBe(400);
    expect(await db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
  });
});
