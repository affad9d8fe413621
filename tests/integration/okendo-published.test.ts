// Okendo's deliveries as Okendo publishes them, through HTTP against the built server: the published examples
// byte for byte (tests/fixtures/okendo-published), each loyalty resource type in the published loyalty envelope, a
// mix of review deliveries for one review, and a review that Okendo itself delivers after the real Connect (the
// Okendo simulator delivers Svix-style to the subscription's URL). Each must reach Braze once under its catalog name.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShop, signOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import { startOkendoSimulator, type OkendoSimulator } from "../support/okendo-simulator.ts";
import {
  receivedBy,
  settled,
  sleep,
  startPipelineReachableByOkendo,
  type Pipeline,
  type ReceivedObject,
} from "../support/pipeline.ts";
import { mintSessionToken } from "../support/shopify.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));
const published = (file: string) => readFileSync(`${FIXTURES}/okendo-published/${file}`, "utf8");
const native = (file: string) =>
  JSON.parse(readFileSync(`${FIXTURES}/native/${file}`, "utf8")) as {
    delivery: { topic: string; sequenceNumber: number; resource: Record<string, unknown> };
  };

let p: Pipeline;
let okendo: OkendoSimulator;

beforeAll(async () => {
  okendo = await startOkendoSimulator({ retryDelaysMs: [50, 200] });
  p = await startPipelineReachableByOkendo(okendo.url);
}, 60_000);
afterAll(async () => {
  await p?.stop();
  await okendo?.close();
});

interface Shop extends TestShop {
  apiKey: string;
}

async function newShop(): Promise<Shop> {
  const apiKey = `valid-${crypto.randomUUID()}`;
  return { apiKey, ...(await createShop(p.db, { brazeUrl: p.braze.url, apiKey })) };
}

const URLS = {
  "the bare URL set up by hand": () => "",
  "the subscription's topic URL": (topic: string) => `/${topic}`,
} as const;
type UrlKind = keyof typeof URLS;

// Posts the bytes given, signed like Okendo (Svix) with the shop's secret.
async function post(shop: Shop, path: string, raw: string, id?: string) {
  const signed = signOkendo(raw, { id });
  const response = await fetch(p.app.url + shop.webhookPath + path, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { status: string };
}

// Waits until nothing of the shop is still going out, then returns everything its Braze key received.
async function brazeGot(shop: Shop, atLeast = 1): Promise<ReceivedObject[]> {
  await waitFor(async () => (await settled(p.db, shop.domain)) && receivedBy(p.braze, shop.apiKey).length >= atLeast);
  await sleep(200); // a few worker polls: anything sent twice would show now
  return receivedBy(p.braze, shop.apiKey);
}

const events = (objects: ReceivedObject[]) => objects.filter((o) => o.type === "event").map((o) => o.object);

describe("Okendo's published examples, verbatim", () => {
  describe.each(Object.keys(URLS) as UrlKind[])("at %s", (kind) => {
    it("review.create (no topic anywhere) reaches Braze once as Okendo Review Created", async () => {
      const shop = await newShop();
      const raw = published("review.create.json");
      expect(raw).not.toMatch(/"topic"|"resourceType"/);
      expect(await post(shop, URLS[kind]("review.create"), raw)).toEqual({ status: "accepted", deliveries: 2 });

      const got = events(await brazeGot(shop, 2));
      expect(got).toEqual([
        expect.objectContaining({
          name: "Okendo Review Created",
          time: "2025-03-24T07:32:17.872Z",
          properties: expect.objectContaining({
            review_id: "123e4567-e89b-12d3-a456-426614174000",
            rating: 5,
            product_name: "MacBook Pro",
          }),
        }),
      ]);
      // No Shopify customer has this email (the stand-in for Shopify's Admin API knows none): Braze's email identifier.
      expect(got[0]).toMatchObject({ email: "tim.cook@example.com" });
    });

    it("loyalty_adjustment_transaction.create reaches Braze once as Okendo Loyalty Points Adjusted", async () => {
      const shop = await newShop();
      const raw = published("loyalty_adjustment_transaction.create.json");
      await post(shop, URLS[kind]("loyalty_adjustment_transaction.create"), raw);

      expect(events(await brazeGot(shop))).toEqual([
        expect.objectContaining({
          name: "Okendo Loyalty Points Adjusted",
          time: "2025-06-18T05:31:46.915Z",
          email: "jane.doe@example.com",
          properties: expect.objectContaining({ points: 100, reason: "Manual Store Adjustment" }),
        }),
      ]);
    });
  });
});

// Okendo's loyalty examples carry `resourceType`, `topic` as the bare action, `sequenceNumber` as a string and
// `version`; the resources come from our own fixtures (their field names are not all public).
const LOYALTY = [
  ["loyalty_customer.create.json", "Enrolled in Okendo Loyalty"],
  ["loyalty_earning_transaction.create.json", "Okendo Loyalty Points Awarded"],
  ["loyalty_redemption_transaction.create.json", "Okendo Loyalty Points Redeemed"],
  ["loyalty_adjustment_transaction.create.json", "Okendo Loyalty Points Adjusted"],
] as const;

function publishedLoyaltyShape(file: string): { topic: string; raw: string } {
  const { delivery } = native(file);
  const [resourceType, verb] = delivery.topic.split(".");
  const raw = JSON.stringify({
    resource: delivery.resource,
    resourceType,
    sequenceNumber: String(delivery.sequenceNumber),
    topic: verb,
    version: "2025-02-01",
  });
  return { topic: delivery.topic, raw };
}

describe("each loyalty resource type in Okendo's published loyalty envelope", () => {
  describe.each(Object.keys(URLS) as UrlKind[])("at %s", (kind) => {
    it.each(LOYALTY)("%s reaches Braze once as %s", async (file, name) => {
      const shop = await newShop();
      const { topic, raw } = publishedLoyaltyShape(file);
      await post(shop, URLS[kind](topic), raw);
      expect(events(await brazeGot(shop)).map((e) => e.name)).toEqual([name]);
    });
  });

  it("loyalty_customer.update reaches Braze once, as the member's attributes (no event)", async () => {
    const shop = await newShop();
    const { topic, raw } = publishedLoyaltyShape("loyalty_customer.update.json");
    await post(shop, URLS["the subscription's topic URL"](topic), raw);
    const got = await brazeGot(shop);
    expect(got.map((o) => o.type)).toEqual(["attributes"]);
    expect(got[0]!.object).toMatchObject({ okendo_loyalty_points_balance: 1400, okendo_loyalty_vip_tier: "Gold" });
  });
});

describe("one review, many deliveries", () => {
  it("review.create, review.update and their retries, in any order and at either URL, forward Okendo Review Created once", async () => {
    const shop = await newShop();
    const reviewId = crypto.randomUUID();
    const resource = (rating: number) => ({
      ...(JSON.parse(published("review.create.json")) as { resource: Record<string, unknown> }).resource,
      reviewId,
      rating,
    });
    const update1 = JSON.stringify({ sequenceNumber: "7", resource: resource(4) });
    const create = JSON.stringify({ sequenceNumber: "6", resource: resource(5) });
    const update2 = JSON.stringify({ sequenceNumber: "8", resource: resource(3) });
    // The update arrives first (Okendo promises no order), then the create, a retry of each, and another update.
    await post(shop, "/review.update", update1, "msg_update_1");
    await post(shop, "/review.create", create, "msg_create");
    expect(await post(shop, "/review.update", update1, "msg_update_1")).toEqual({ status: "duplicate" });
    expect(await post(shop, "/review.create", create, "msg_create")).toEqual({ status: "duplicate" });
    await post(shop, "", update2, "msg_update_2");

    const got = events(await brazeGot(shop));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ name: "Okendo Review Created", properties: { review_id: reviewId, rating: 4 } });
    // The review counts once in the customer's totals too.
    const attributes = (await brazeGot(shop)).filter((o) => o.type === "attributes").map((o) => o.object);
    expect(attributes).toEqual([expect.objectContaining({ okendo_number_of_reviews: 1 })]);
  });
});

describe("connected through Okendo's API", () => {
  it("after the real Connect, a review Okendo delivers to the subscription's URL reaches Braze once", async () => {
    const shop = await newShop();
    const account = okendo.addAccount();
    const token = await mintSessionToken(shop.domain);
    const connect = await fetch(`${p.app.url}/app/settings`, {
      method: "POST",
      headers: {
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36",
        authorization: `Bearer ${token}`,
      },
      body: new URLSearchParams({ intent: "okendo-connect", userId: account.userId, apiKey: account.apiKey }),
    });
    expect(connect.status, await connect.clone().text()).toBe(200);

    const review = okendo.addReview(account.userId, { reviewer: { email: "tim.cook@example.com", name: "Tim" } });
    await okendo.settled();
    const delivery = okendo.deliveries.find((d) => d.body.includes(review.reviewId as string))!;
    expect(delivery).toMatchObject({ outcome: "delivered", topic: "review.create" });
    expect(delivery.endpointUrl).toMatch(/\/review\.create$/);
    expect(JSON.parse(delivery.body)).not.toHaveProperty("topic");

    expect(events(await brazeGot(shop, 2))).toEqual([
      expect.objectContaining({
        name: "Okendo Review Created",
        properties: expect.objectContaining({ review_id: review.reviewId }),
      }),
    ]);
    // The card's "last delivery received" comes from this.
    const row = await p.db.okendoSubscription.findUniqueOrThrow({
      where: { shop_topic: { shop: shop.domain, topic: "review.create" } },
    });
    expect(row.lastDeliveryAt).not.toBeNull();
  });
});
