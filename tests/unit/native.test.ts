import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogEntry } from "../../app/catalog/events";
import type { CatalogEvent, NormalizedMessage } from "../../app/catalog/messages";
import { enrich } from "../../app/customers/enrich";
import type { Interpretation } from "../../app/sources/interpretation";
import { interpretNative, isNativeDelivery } from "../../app/sources/okendo-native";
import type { TxStatements } from "../../app/store/statements";
import { runSync } from "../../app/store/unit-of-work";
import { toBrazeObjects, type BrazeObject } from "../../app/braze/objects";

const FIXTURES = fileURLToPath(new URL("../fixtures/native", import.meta.url));
const NOW = "2026-12-01T00:00:00.000Z";

interface NativeFixture {
  description: string;
  previousLoyaltyTier: string | null;
  delivery: Record<string, unknown>;
  expected: Interpretation;
  brazeByCustomerId?: BrazeObject[] | null;
  brazeByEmail?: BrazeObject[];
}

const load = (name: string): NativeFixture => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

// The source's reading, then — when the app remembers a tier for the customer — the enrich step's tier memory (with
// that tier as what the database holds). `observed` is the source's note to the enrich step, not part of the message.
function read(body: unknown, previousTier?: string | null): Interpretation {
  const result = interpretNative(body, undefined, new Date(NOW));
  if (result.kind !== "mapped") return result;
  let messages: NormalizedMessage[] = result.messages;
  if (previousTier !== undefined) {
    const remembered = { swapLoyaltyTier: () => previousTier } as unknown as TxStatements;
    const enriched = runSync(enrich(messages, { shop: "s", source: "okendo", at: new Date(NOW) }), remembered);
    messages = enriched.map((e) => e.message);
  }
  return { kind: "mapped", messages: messages.map(({ observed: _, ...message }) => message as NormalizedMessage) };
}

function mapped(body: unknown, previousTier?: string | null) {
  const result = read(body, previousTier);
  if (result.kind !== "mapped") throw new Error(`expected mapped, got: ${JSON.stringify(result)}`);
  return result;
}

const firstEvent = (body: unknown) => mapped(body).messages[0] as CatalogEvent;

describe("native fixtures and their golden Braze payloads", () => {
  const files = readdirSync(FIXTURES).sort();

  it("cover every resource type and topic this app maps", () => {
    expect(files).toEqual([
      "loyalty_adjustment_transaction.create.json",
      "loyalty_customer.create.json",
      "loyalty_customer.update-tier-changed.json",
      "loyalty_customer.update.json",
      "loyalty_earning_transaction.create.json",
      "loyalty_redemption_transaction.create.json",
      "review.create.json",
      "review.update.json",
    ]);
  });

  it.each(files.map((f) => [f]))("%s", async (file) => {
    const fixture = load(file);
    const result = read(fixture.delivery, fixture.previousLoyaltyTier ?? undefined);
    expect(result).toEqual(fixture.expected);
    if (result.kind !== "mapped") {
      expect(fixture.brazeByEmail).toBeUndefined();
      return;
    }
    const byEmail = result.messages.flatMap((m) => {
      const { objects, adjustments } = toBrazeObjects(m, { email: m.customer.email! });
      expect(adjustments).toEqual([]);
      return objects;
    });
    expect(byEmail).toEqual(fixture.brazeByEmail);
    if (fixture.brazeByCustomerId === null) {
      expect(result.messages.some((m) => !m.customer.shopifyCustomerId)).toBe(true);
    } else {
      const byId = result.messages.flatMap(
        (m) => toBrazeObjects(m, { external_id: m.customer.shopifyCustomerId! }).objects,
      );
      expect(byId).toEqual(fixture.brazeByCustomerId);
    }
    // Everything native sends is documented in the catalog, so the docs stay true.
    for (const message of result.messages) {
      if (message.kind !== "event") continue;
      const documented = Object.keys(catalogEntry(message.name).properties);
      for (const key of Object.keys(message.properties)) expect(documented, `${message.name}: ${key}`).toContain(key);
    }
  });
});

const review = load("review.create.json").delivery.resource as Record<string, unknown>;
const member = load("loyalty_customer.create.json").delivery.resource as Record<string, unknown>;
const earning = load("loyalty_earning_transaction.create.json").delivery.resource as Record<string, unknown>;

describe("finding the topic", () => {
  it.each([
    [{ topic: "review.create" }],
    [{ topic: "review/created" }],
    [{ topic: "okendo.review.create" }],
    [{ resourceType: "review", topic: "create" }],
    [{ resource_type: "review", action: "created" }],
    [{ type: "review.created" }],
    [{ eventType: "Review.Create" }],
    [{ type: "webhook", topic: "review.create" }],
    [{ action: "create" }], // the review object is recognised by its reviewId
    [{ sequenceNumber: 5 }], // as Okendo publishes review.create: no topic anywhere
    [{ topic: "review.update" }], // the first the shop hears of a review may be an update
    [{ resourceType: "review", topic: "update" }],
  ])("reads %j", async (envelope) => {
    const event = firstEvent({ ...envelope, sequenceNumber: 1, resource: review });
    expect(event.name).toBe("Okendo Review Created");
  });

  it("reads camelCase resource types and transaction kinds", async () => {
    expect(firstEvent({ topic: "loyaltyEarningTransaction.create", resource: earning }).name).toBe(
      "Okendo Loyalty Points Awarded",
    );
    expect(firstEvent({ action: "create", resource: { ...earning, transactionType: "redemption" } }).name).toBe(
      "Okendo Loyalty Points Redeemed",
    );
  });

  it.each<[unknown, string]>([
    [null, "unrecognised delivery: no resource"],
    [[], "unrecognised delivery: no resource"],
    ["review.create", "unrecognised delivery: no resource"],
    [{ topic: "review.create" }, "unrecognised delivery: no resource"],
    [{ topic: "review.create", resource: [review] }, "unrecognised delivery: no resource"],
    [{ sequenceNumber: 5, resource: { foo: 1 } }, "unrecognised delivery: no topic or resource type"],
    [{ topic: "survey_response.create", resource: { id: 1 } }, 'unrecognised resource type "survey_response"'],
    [{ topic: "constructor", resource: { id: 1 } }, 'unrecognised resource type "constructor"'],
    [{ topic: "review.delete", resource: { reviewId: "r1" } }, "review.delete is not forwarded"],
    [{ topic: "loyalty_customer.delete", resource: member }, "loyalty_customer.delete is not forwarded"],
    [
      { topic: "loyalty_earning_transaction.update", resource: earning },
      "loyalty_earning_transaction.update is not forwarded",
    ],
  ])("leaves %j unmapped: %s", async (body, reason) => {
    expect(read(body)).toEqual({ kind: "unmapped", reason });
  });
});

describe("reading the resource tolerantly", () => {
  it("leaves a review with no way to identify the reviewer unmapped", async () => {
    const anonymous = { ...review, reviewer: { name: "Anonymous", email: "not an email" } };
    expect(read({ topic: "review.create", resource: anonymous })).toEqual({
      kind: "unmapped",
      reason: "review.create has no reviewer email or Shopify customer ID",
    });
  });

  it.each<[unknown, string]>([
    [7001234567890, "7001234567890"],
    ["7001234567890", "7001234567890"],
    ["shopify-7001234567890", "7001234567890"],
    ["gid://shopify/Customer/7001234567890", "7001234567890"],
  ])("normalizes the Shopify customer ID %j", async (id, digits) => {
    const event = firstEvent({
      topic: "loyalty_earning_transaction.create",
      resource: { ...earning, customerId: id },
    });
    expect(event.customer.shopifyCustomerId).toBe(digits);
  });

  it("accepts snake_case field names", async () => {
    const event = firstEvent({
      topic: "loyalty_earning_transaction.create",
      resource: {
        transaction_id: "t1",
        customer_id: "shopify-42",
        points: "25",
        points_balance: 125,
        date_created: "2026-11-26T10:00:00Z",
      },
    });
    expect(event).toEqual({
      kind: "event",
      name: "Okendo Loyalty Points Awarded",
      occurredAt: "2026-11-26T10:00:00.000Z",
      customer: { shopifyCustomerId: "42" },
      properties: { points: 25, transaction_id: "t1", points_balance: 125 },
      attributes: { okendo_loyalty_points_balance: 125 },
    });
  });

  it("reports redeemed points as a positive amount and keeps an adjustment's sign", async () => {
    const redeemed = firstEvent({
      topic: "loyalty_redemption_transaction.create",
      resource: { ...earning, points: -200 },
    });
    expect(redeemed.properties.points).toBe(200);
    const adjusted = firstEvent({
      topic: "loyalty_adjustment_transaction.create",
      resource: { ...earning, points: -200 },
    });
    expect(adjusted.properties.points).toBe(-200);
  });

  it("dates a delivery without a date by its envelope, else by the clock", async () => {
    const { dateCreated: _, ...undated } = earning;
    const fromEnvelope = firstEvent({
      topic: "loyalty_earning_transaction.create",
      timestamp: 1764151200,
      resource: undated,
    });
    expect(fromEnvelope.occurredAt).toBe("2025-11-26T10:00:00.000Z");
    const fromClock = firstEvent({ topic: "loyalty_earning_transaction.create", resource: undated });
    expect(fromClock.occurredAt).toBe(NOW);
  });

  it("reads a review's sentiment from an object and photos from any URL field", async () => {
    const event = firstEvent({
      topic: "review.create",
      resource: {
        ...review,
        sentiment: { overall: "NEGATIVE" },
        media: [{ url: "https://x.example/1.jpg" }, "junk", { type: "video" }],
      },
    });
    expect(event.properties).toMatchObject({
      overall_sentiment: "negative",
      photo_count: 1,
      photo_urls: ["https://x.example/1.jpg"],
      video_count: 1,
    });
    expect(event.attributes.okendo_latest_review_sentiment).toBe("negative");
  });

  it("never throws on odd shapes", async () => {
    const odd = [
      {
        topic: "review.create",
        resource: {
          reviewId: 1,
          email: "a@b.co",
          reviewer: "x",
          media: "y",
          order: 5,
          rating: {},
          attributesWithRating: [null, 1],
        },
      },
      { topic: "loyalty_customer.update", resource: { email: "a@b.co", vipTier: { name: 5 }, pointsBalance: "lots" } },
      { topic: 42, type: {}, resource: {} },
      { topic: "loyalty_adjustment_transaction.create", resource: { customerId: 1.5, email: ["a@b.co"] } },
    ];
    for (const body of odd) expect(read(body)).toHaveProperty("kind");
    expect(firstEvent(odd[0]).properties).toMatchObject({ review_id: "1", photo_count: 0 });
  });
});

describe("loyalty tier changes", () => {
  const update = (resource: Record<string, unknown>) => ({
    topic: "loyalty_customer.update",
    sequenceNumber: 9,
    resource,
  });

  it("is not a change the first time a member is seen", () => {
    const result = mapped(update({ ...member, vipTier: "Gold" }), null);
    expect(result.messages.map((m) => m.kind)).toEqual(["attributes"]);
    expect(interpretNative(update({ ...member, vipTier: "Gold" }))).toMatchObject({
      messages: [{ observed: { loyaltyTier: "Gold" } }],
    });
  });

  it("reads a tier given as an object", () => {
    const result = mapped(update({ ...member, vipTier: { name: "Gold", id: "t3" } }), "Silver");
    const event = result.messages[0] as CatalogEvent;
    expect(event.name).toBe("Okendo Loyalty Tier Changed");
    expect(event.properties).toEqual({ tier: "Gold", previous_tier: "Silver" });
    expect(event.attributes.okendo_loyalty_vip_tier).toBe("Gold");
  });

  it("observes no tier when the delivery has none", () => {
    const { vipTier: _, ...noTier } = member;
    const result = interpretNative(update(noTier));
    expect(result).toMatchObject({ kind: "mapped", messages: [{ kind: "attributes" }] });
    expect(result.kind === "mapped" && result.messages[0]!.observed).toBeUndefined();
    expect(result.kind === "mapped" && result.messages[0]!.attributes).toMatchObject({
      okendo_loyalty_points_balance: 100,
    });
  });

  it("leaves a member with no email or customer ID unmapped", () => {
    expect(read(update({ status: "enrolled" }))).toEqual({
      kind: "unmapped",
      reason: "loyalty_customer.update has no customer email or Shopify customer ID",
    });
  });
});

describe("isNativeDelivery", () => {
  it("recognises an object under resource", () => {
    expect(isNativeDelivery({ topic: "review.create", sequenceNumber: 1, resource: {} })).toBe(true);
    expect(isNativeDelivery({ resource: [] })).toBe(false);
    expect(isNativeDelivery({ event: "Okendo Review Created" })).toBe(false);
    expect(isNativeDelivery(null)).toBe(false);
    expect(isNativeDelivery("resource")).toBe(false);
  });
});
