// What the app remembers about a customer (review totals, reviews seen, loyalty tier), through the signed ingress
// on both databases: deliveries arriving at the same time for one customer never lose a count, a review is
// forwarded once whatever brings it again, and a tier change is told once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, settled, startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p?.stop());

const review = (email: string, rating: number, sentiment?: string, reviewId: string = crypto.randomUUID()) =>
  envelope(
    "Okendo Review Created",
    { email },
    {
      review_id: reviewId,
      rating,
      ...(sentiment ? { overall_sentiment: sentiment } : {}),
    },
  );

async function post(shop: TestShop, body: unknown) {
  const { response, json } = await postOkendo(p.app.url, shop, body);
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

// The review attributes Braze received for a customer, in the order it received them.
function reviewAttributesOf(email: string) {
  return p.braze
    .attributes()
    .filter((object) => object.email === email || object.external_id === email)
    .map((object) => ({
      average: object.okendo_average_review_rating,
      count: object.okendo_number_of_reviews,
      sentiment: object.okendo_average_review_sentiment,
    }));
}

describe("review totals", () => {
  it("average the ratings to 2 decimals, name the most frequent sentiment (ties: the most recent) and count reviews", async () => {
    const shop = await createShop(p.db, { brazeUrl: p.braze.url, identifyByCustomerId: false });
    const email = "totals@example.com";
    for (const [rating, sentiment] of [
      [5, undefined],
      [4, "Positive"],
      [4, "negative"],
      [2, "negative"],
      [5, "positive"],
    ] as const) {
      await post(shop, review(email, rating, sentiment));
      await waitFor(() => settled(p.db, shop.domain));
    }
    // A review with no usable rating changes no total.
    await post(shop, envelope("Okendo Review Created", { email }, { review_id: crypto.randomUUID(), rating: "n/a" }));
    await waitFor(() => settled(p.db, shop.domain));

    expect(reviewAttributesOf(email)).toEqual([
      { average: 5, count: 1, sentiment: undefined },
      { average: 4.5, count: 2, sentiment: "positive" },
      { average: 4.33, count: 3, sentiment: "negative" }, // a tie: the most recent wins
      { average: 3.75, count: 4, sentiment: "negative" },
      { average: 4, count: 5, sentiment: "positive" }, // a tie again, the most recent is positive
      { average: undefined, count: undefined, sentiment: undefined },
    ]);
  });

  it("count every one of concurrent reviews of the same customers", async () => {
    const shop = await createShop(p.db, { brazeUrl: p.braze.url, identifyByCustomerId: false });
    const customers = Array.from({ length: 20 }, (_, i) => `concurrent-${i}@example.com`);
    await Promise.all(customers.flatMap((email) => [1, 2, 3, 4].map((rating) => post(shop, review(email, rating)))));
    await waitFor(() => settled(p.db, shop.domain), 30_000);

    const states = await p.db.customerState.findMany({ where: { shop: shop.domain }, orderBy: { customerKey: "asc" } });
    expect(
      states.map(({ customerKey, reviewCount, reviewRatingSum }) => ({ customerKey, reviewCount, reviewRatingSum })),
    ).toEqual([...customers].sort().map((customerKey) => ({ customerKey, reviewCount: 4, reviewRatingSum: 10 })));
    for (const email of customers) {
      expect(
        reviewAttributesOf(email)
          .map((a) => a.count)
          .sort(),
      ).toEqual([1, 2, 3, 4]);
    }
  });
});

describe("a review seen again", () => {
  it("is forwarded once as Okendo Review Created and counted once, whatever brings it again", async () => {
    const shop = await createShop(p.db, { brazeUrl: p.braze.url, identifyByCustomerId: false });
    const email = "seen-again@example.com";
    const reviewId = crypto.randomUUID();
    // The same review through Okendo's update topic, a Flow-style envelope and a second create, at once.
    const native = (topic: string) => ({
      topic,
      sequenceNumber: "1",
      resource: { reviewId, rating: 4, reviewer: { email }, dateCreated: "2026-11-26T10:00:00Z" },
    });
    await Promise.all([
      post(shop, native("review.update")),
      post(shop, native("review.create")),
      post(shop, review(email, 4, undefined, reviewId)),
    ]);
    await waitFor(() => settled(p.db, shop.domain));
    const events = p.braze.events().filter((event) => event.external_id === email);
    expect(events.map((event) => event.name)).toEqual(["Okendo Review Created"]);
    const skipped = await p.db.delivery.findMany({ where: { shop: shop.domain, status: "skipped" } });
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(
      skipped.every((row) => row.note?.includes(`Already received: review ${reviewId} reached this shop before`)),
    ).toBe(true);
    const state = await p.db.customerState.findFirstOrThrow({ where: { shop: shop.domain, customerKey: email } });
    expect(state.reviewCount).toBe(1);
  });
});

describe("loyalty tier", () => {
  const member = (email: string, tier: string, topic = "loyalty_customer.update") => ({
    topic,
    sequenceNumber: "7",
    resource: { email, status: "enrolled", pointsBalance: 120, vipTier: tier },
  });

  it("tells a change once when updates with the new tier arrive at the same time", async () => {
    const shop = await createShop(p.db, { brazeUrl: p.braze.url, identifyByCustomerId: false });
    const emails = Array.from({ length: 10 }, (_, i) => `tier-${i}@example.com`);
    for (const email of emails) await post(shop, member(email, "Bronze", "loyalty_customer.create"));
    await Promise.all(emails.flatMap((email) => [1, 2, 3].map(() => post(shop, member(email, "Silver")))));
    await waitFor(() => settled(p.db, shop.domain), 30_000);

    for (const email of emails) {
      const changes = p.braze
        .events()
        .filter((e) => e.external_id === email && e.name === "Okendo Loyalty Tier Changed");
      expect(
        changes.map((e) => e.properties),
        email,
      ).toEqual([{ tier: "Silver", previous_tier: "Bronze" }]);
    }
  });
});
