// The enrich step, between a source's interpretation and the outbox: what only the app's memory of the customer can
// add to a message. It runs inside the transaction that accepts the message, so a redelivery (which never gets this
// far) is never counted twice, and its reads and writes of customer state are atomic on both databases.
//
// - Reviews: each Okendo review is known by its reviewId. The first time the shop sees one it is folded into the
//   customer's review totals (average rating and sentiment, number of reviews — Okendo's connector sends these, a
//   review webhook does not carry them) and forwarded as "Okendo Review Created"; any later sight of the same review
//   (an update, an import, a recovery) is not forwarded again.
// - Loyalty tier: the tier a source observed is remembered; a member update whose tier differs from the remembered
//   one becomes "Okendo Loyalty Tier Changed", carrying the member's attributes. The first sight of a member is not a
//   change.
import { ATTRIBUTE_KEYS } from "../catalog/attributes";
import { toNumber, toText } from "../catalog/coerce";
import type { NormalizedMessage } from "../catalog/messages";
import type { CatalogEventName } from "../catalog/names";
import { sql, type Work } from "../store/unit-of-work";
import { reviewTotalsAttributes } from "./review-totals";
import { customerStateKey } from "./state-key";

const REVIEW_CREATED: CatalogEventName = "Okendo Review Created";
const TIER_CHANGED: CatalogEventName = "Okendo Loyalty Tier Changed";

export interface Enriched {
  message: NormalizedMessage;
  // Set when the message must not go out, with the reason shown in the activity log.
  withheld?: string;
}

export interface Reading {
  shop: string;
  source: string; // what brought the message (for the record of reviews seen)
  at: Date;
}

export function* enrich(messages: NormalizedMessage[], reading: Reading): Work<Enriched[]> {
  const enriched: Enriched[] = [];
  for (const message of messages) {
    const key = customerStateKey(message.customer);
    let result: Enriched = { message };
    if (key && message.kind === "event" && message.name === REVIEW_CREATED) {
      result = yield* foldReview(message, key, reading);
    }
    const tier = message.observed?.loyaltyTier;
    if (key && tier) {
      const previous = yield* sql("swapLoyaltyTier", reading.shop, key, tier, reading.at);
      if (message.kind === "attributes" && previous !== null && previous !== tier) {
        result = {
          message: {
            kind: "event",
            name: TIER_CHANGED,
            occurredAt: message.occurredAt,
            customer: message.customer,
            properties: { tier, previous_tier: previous },
            // One object fewer at Braze: the event carries the member's attributes.
            attributes: { ...message.attributes, [ATTRIBUTE_KEYS.loyaltyVipTier]: tier },
          },
        };
      }
    }
    enriched.push(result);
  }
  return enriched;
}

function* foldReview(message: NormalizedMessage & { kind: "event" }, key: string, reading: Reading): Work<Enriched> {
  const reviewId = toText(message.properties.review_id);
  if (reviewId) {
    const first = yield* sql("knowReview", reading.shop, reviewId, key, reading.source, reading.at);
    // Whatever brought it first (a webhook, the history import, recovery), a review counts once and is never
    // forwarded again; a review the import brought first was never forwarded at all (attributes only).
    if (!first) return { message, withheld: `Already received: review ${reviewId} reached this shop before.` };
  }
  const rating = toNumber(message.properties.rating);
  // A review without a usable rating changes no total: an average over bad input is worse than none.
  if (rating === undefined) return { message };
  const sentiment = toText(message.properties.overall_sentiment)?.toLowerCase() ?? null;
  const totals = yield* sql("foldReview", reading.shop, key, rating, sentiment, reading.at);
  return { message: { ...message, attributes: { ...message.attributes, ...reviewTotalsAttributes(totals) } } };
}
