// Every catalog event and every native Okendo resource, posted through HTTP to the built server: what the
// Braze simulator receives must be exactly the fixture's golden /users/track objects, in each identity mode.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import {
  envelope,
  receivedBy,
  settled,
  sleep,
  startPipeline,
  trackRequests,
  type Pipeline,
} from "../support/pipeline.ts";

type GoldenObject = { type: "attributes" | "event"; object: Record<string, unknown> };

interface EnvelopeFixture {
  envelope: { event: string; customer: Record<string, unknown>; properties: Record<string, unknown> };
  brazeByCustomerId: GoldenObject[] | null;
  brazeByEmail: GoldenObject[];
}

interface NativeFixture {
  description: string;
  previousLoyaltyTier: string | null;
  delivery: { resource: Record<string, unknown> } & Record<string, unknown>;
  expected: { kind: "mapped" } | { kind: "unmapped"; reason: string };
  brazeByCustomerId?: GoldenObject[] | null;
  brazeByEmail?: GoldenObject[];
}

const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));
const load = <T>(dir: string, file: string): T => JSON.parse(readFileSync(join(FIXTURES, dir, file), "utf8"));
const envelopeFiles = readdirSync(join(FIXTURES, "envelopes")).sort();
const nativeFiles = readdirSync(join(FIXTURES, "native")).sort();

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.stop();
});

interface Shop extends TestShop {
  apiKey: string;
}

async function newShop(identifyByCustomerId: boolean): Promise<Shop> {
  const apiKey = `valid-${crypto.randomUUID()}`;
  return { apiKey, ...(await createShop(p.db, { brazeUrl: p.braze.url, apiKey, identifyByCustomerId })) };
}

// Posts one delivery and returns what Braze received for it (everything the shop's key sent from now on).
async function deliver(shop: Shop, body: unknown, expectedObjects: number): Promise<GoldenObject[]> {
  const before = receivedBy(p.braze, shop.apiKey).length;
  const { response, json } = await postOkendo(p.app.url, shop, body);
  expect(response.status, JSON.stringify(json)).toBe(200);
  expect(json).toEqual({ status: "accepted", deliveries: expectedObjects });
  await waitFor(
    async () =>
      (await settled(p.db, shop.domain)) && receivedBy(p.braze, shop.apiKey).length >= before + expectedObjects,
  );
  expect(await p.db.delivery.count({ where: { shop: shop.domain, status: { not: "delivered" } } })).toBe(0);
  return receivedBy(p.braze, shop.apiKey)
    .slice(before)
    .map(({ type, object }) => ({ type, object }));
}

// Okendo's connector sends a customer's review aggregates; a single review does not carry them, so the app
// computes them from the reviews this shop has seen (README). For a customer's first review they are that review.
function withFirstReviewAggregates(objects: GoldenObject[], properties: Record<string, unknown>): GoldenObject[] {
  return objects.map((o) => {
    if (o.type !== "attributes") return o;
    const sentiment =
      typeof properties.overall_sentiment === "string" ? properties.overall_sentiment.toLowerCase() : undefined;
    return {
      type: o.type,
      object: {
        ...o.object,
        okendo_average_review_rating: properties.rating,
        okendo_number_of_reviews: 1,
        ...(sentiment ? { okendo_average_review_sentiment: sentiment } : {}),
      },
    };
  });
}

// Toggle off: the user's external_id is the normalized email (and the email is also set as an attribute).
function byEmailAsExternalId(
  fixture: { brazeByCustomerId?: GoldenObject[] | null; brazeByEmail?: GoldenObject[] },
  email: string,
): GoldenObject[] {
  if (fixture.brazeByCustomerId) {
    return fixture.brazeByCustomerId.map(({ type, object }) => ({ type, object: { ...object, external_id: email } }));
  }
  const objects = fixture.brazeByEmail!.map(({ type, object }) => {
    const { email: _identifier, ...rest } = object;
    return {
      type,
      object: type === "attributes" ? { external_id: email, email, ...rest } : { external_id: email, ...rest },
    };
  });
  return objects.some((o) => o.type === "attributes")
    ? objects
    : [{ type: "attributes", object: { external_id: email, email } }, ...objects];
}

describe("event envelopes: the 15 catalog events", () => {
  it("there is a fixture for each of the 15 events", () => {
    expect(envelopeFiles).toHaveLength(15);
  });

  describe.each(envelopeFiles)("%s", (file) => {
    const fixture = load<EnvelopeFixture>("envelopes", file);
    const isReview = fixture.envelope.event === "Okendo Review Created";
    const golden = (objects: GoldenObject[]) =>
      isReview ? withFirstReviewAggregates(objects, fixture.envelope.properties) : objects;
    const email = fixture.brazeByEmail.find((o) => typeof o.object.email === "string")!.object.email as string;

    if (fixture.brazeByCustomerId !== null) {
      it("customer ID toggle on: Braze gets exactly brazeByCustomerId", async () => {
        const shop = await newShop(true);
        const expected = golden(fixture.brazeByCustomerId!);
        expect(await deliver(shop, fixture.envelope, expected.length)).toEqual(expected);
      });
    }

    it("customer ID toggle on, customer unknown to Shopify: Braze gets exactly brazeByEmail (email identifier)", async () => {
      // Without a Shopify customer ID the app asks Shopify's Admin API, which has no customer with this email.
      const shop = await newShop(true);
      const { shopifyCustomerId: _id, ...customer } = fixture.envelope.customer;
      const expected = golden(fixture.brazeByEmail);
      expect(await deliver(shop, { ...fixture.envelope, customer }, expected.length)).toEqual(expected);
      expect(p.shopifyAdmin.lookups.filter((l) => l.shop === shop.domain)).toHaveLength(1);
      const rows = await p.db.delivery.findMany({ where: { shop: shop.domain } });
      expect(rows.map((row) => [row.identifierType, row.note])).toEqual(
        rows.map(() => ["email", "No Shopify customer has this email; sent with Braze's email identifier."]),
      );
    });

    it("customer ID toggle off: the normalized email is the external_id", async () => {
      const shop = await newShop(false);
      const expected = golden(byEmailAsExternalId(fixture, email));
      expect(await deliver(shop, fixture.envelope, expected.length)).toEqual(expected);
    });
  });
});

describe("Okendo's native webhooks", () => {
  describe.each(nativeFiles)("%s", (file) => {
    const fixture = load<NativeFixture>("native", file);

    // A tier change can only be seen against the tier this app saw last: let Okendo tell us that one first.
    async function knowPreviousTier(shop: Shop) {
      if (!fixture.previousLoyaltyTier) return;
      const seed = {
        topic: "loyalty_customer.update",
        sequenceNumber: 1,
        resource: { ...fixture.delivery.resource, vipTier: fixture.previousLoyaltyTier },
      };
      const { json } = await postOkendo(p.app.url, shop, seed);
      expect(json).toMatchObject({ status: "accepted" });
      await waitFor(() => settled(p.db, shop.domain));
    }

    if (fixture.expected.kind === "unmapped") {
      const reason = fixture.expected.reason;
      it(`is stored as unmapped ("${reason}") and nothing reaches Braze`, async () => {
        const shop = await newShop(true);
        const { response, json } = await postOkendo(p.app.url, shop, fixture.delivery);
        expect(response.status).toBe(200);
        expect(json).toEqual({ status: "unmapped" });
        expect(await p.db.inboundMessage.findFirstOrThrow({ where: { shop: shop.domain } })).toMatchObject({
          status: "unmapped",
          note: reason,
        });
        // In the activity log as one unmapped row, never sent.
        expect(await p.db.delivery.findMany({ where: { shop: shop.domain } })).toEqual([
          expect.objectContaining({ status: "unmapped", lastError: reason }),
        ]);
        await sleep(300);
        expect(trackRequests(p.braze, shop.apiKey)).toHaveLength(0);
      });
      return;
    }

    // A review delivery (created or updated) the shop sees for the first time is forwarded as a first review.
    const isReview = (fixture.delivery.topic as string).startsWith("review.");
    const reviewProperties = () => {
      const resource = fixture.delivery.resource;
      const sentiment = resource.sentiment;
      return { rating: resource.rating, overall_sentiment: typeof sentiment === "string" ? sentiment : undefined };
    };
    const golden = (objects: GoldenObject[]) =>
      isReview ? withFirstReviewAggregates(objects, reviewProperties()) : objects;

    if (fixture.brazeByCustomerId) {
      it("customer ID toggle on: Braze gets exactly brazeByCustomerId", async () => {
        const shop = await newShop(true);
        await knowPreviousTier(shop);
        const expected = golden(fixture.brazeByCustomerId!);
        expect(await deliver(shop, fixture.delivery, expected.length)).toEqual(expected);
      });
    } else {
      it("customer ID toggle on, no Shopify customer ID: Braze gets exactly brazeByEmail (email identifier)", async () => {
        const shop = await newShop(true);
        await knowPreviousTier(shop);
        const expected = golden(fixture.brazeByEmail!);
        expect(await deliver(shop, fixture.delivery, expected.length)).toEqual(expected);
      });
    }

    it("customer ID toggle off: the normalized email is the external_id", async () => {
      const shop = await newShop(false);
      await knowPreviousTier(shop);
      const email = "jane.doe@example.com"; // every native fixture is Jane's
      const expected = golden(byEmailAsExternalId(fixture, email));
      expect(await deliver(shop, fixture.delivery, expected.length)).toEqual(expected);
    });
  });

  it("a tier update for a member seen for the first time is not a tier change", async () => {
    const shop = await newShop(true);
    const fixture = load<NativeFixture>("native", "loyalty_customer.update-tier-changed.json");
    const objects = await deliver(shop, fixture.delivery, 1);
    expect(objects.map((o) => o.type)).toEqual(["attributes"]);
    expect(objects[0]!.object).toMatchObject({ okendo_loyalty_vip_tier: "Gold" });
  });
});

describe("review aggregates", () => {
  it("are computed over every review the customer wrote at this shop, a redelivery counted once", async () => {
    const shop = await newShop(true);
    const customer = { email: "sam.lee@example.com", shopifyCustomerId: "7001234567999" };
    const review = (rating: number, sentiment: string) =>
      envelope("Okendo Review Created", customer, {
        review_id: crypto.randomUUID(),
        rating,
        overall_sentiment: sentiment,
      });

    await deliver(shop, review(5, "positive"), 2);
    const second = review(2, "negative");
    const { id } = await postOkendo(p.app.url, shop, second);
    await waitFor(async () => (await settled(p.db, shop.domain)) && receivedBy(p.braze, shop.apiKey).length === 4);
    expect((await postOkendo(p.app.url, shop, second, { id })).json).toEqual({ status: "duplicate" });
    const third = await deliver(shop, review(2, "negative"), 2);

    expect(third[0]!.object).toMatchObject({
      okendo_average_review_rating: 3,
      okendo_number_of_reviews: 3,
      okendo_average_review_sentiment: "negative",
      okendo_latest_review_rating: 2,
    });
  });
});
