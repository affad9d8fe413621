// The event table: for each of the 15 catalog events (app/catalog/names.ts), what it means to a merchant, the
// properties it carries, a realistic sample, and which attributes it implies (app/catalog/attributes.ts). The
// settings screen, the mapper, "Send test events", the Flow extension and the docs read this one table.
//
// Okendo does not publish full property lists; the keys below are the ones seen in Okendo's docs (is_recommended,
// language_code, overall_sentiment, photo_count, photo_urls, product_name, product_url, review_request_id, locale,
// customer_role, coupon_code, referrer_first_name, activity_id) completed with the fields of Okendo's REST objects
// in the same snake_case style. Each property is optional: a source sends what it has.
import { loyaltyEffects, noEffects, quizEffects, referralEffects, reviewEffects, surveyEffects } from "./attributes";
import type { CatalogEvent, CustomerRef } from "./messages";
import { CATALOG_EVENT_NAMES, groupOf, slugOf, type CatalogEventName, type ProductGroup } from "./names";

export interface CatalogEntry {
  name: CatalogEventName;
  group: ProductGroup;
  slug: string; // kebab-case: fixture file names and URLs
  description: string; // one line a merchant understands
  properties: Readonly<Record<string, string>>; // snake_case key → what it holds
  sample: { properties: Record<string, unknown>; attributes: Record<string, unknown> };
  attributeEffects(properties: Record<string, unknown>): Record<string, unknown>;
}

// Shared property docs.

const PROFILE_ANSWERS_NOTE =
  "profile questions answered, [{question, answer}]; each becomes the attribute okendo_<question in snake_case>";

const REFERRAL_TOTALS = {
  number_of_successful_referrals:
    "the referrer's successful referrals so far (sets okendo_number_of_successful_referrals)",
  total_referral_revenue:
    "revenue from the referrer's successful referrals so far (sets okendo_total_referral_revenue)",
} as const;

const LOYALTY_TRANSACTION = {
  transaction_id: "Okendo loyalty transaction ID",
  activity_id: "the Okendo loyalty activity (earning rule or reward) behind the transaction",
  reason: "why the points changed, as shown in Okendo",
  transaction_status: "status of the transaction in Okendo",
  points_balance: "points balance after the transaction (sets okendo_loyalty_points_balance)",
} as const;

const SAMPLE_STORE = "https://www.example.com";

// ---------------------------------------------------------------------------------------------

type Definition = Omit<CatalogEntry, "name" | "group" | "slug" | "sample"> & {
  sampleProperties: Record<string, unknown>;
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// Keyed by name, so the compiler checks that every catalog event has exactly one definition.
const DEFINITIONS: Record<CatalogEventName, Definition> = {
  "Okendo Review Created": {
    description: "A customer left a product review.",
    properties: {
      review_id: "Okendo review ID",
      rating: "star rating, 1 to 5 (sets okendo_latest_review_rating)",
      title: "review title",
      body: "review text (cut to 255 characters, Braze's limit for a property value)",
      is_recommended: "whether the reviewer recommends the product",
      product_id: "Shopify product ID",
      product_name: "product name",
      product_url: "product page URL",
      product_image_url: "product image URL",
      photo_count: "number of photos attached",
      photo_urls: "URLs of the attached photos",
      video_count: "number of videos attached",
      overall_sentiment: "positive, negative, neutral or mixed (sets okendo_latest_review_sentiment)",
      language_code: "language of the review, e.g. en",
      order_id: "Shopify order ID the review is for",
      order_number: "order number the review is for, e.g. #1042",
      verified_status: "Okendo's verification of the reviewer, e.g. verifiedBuyer",
      country_code: "reviewer's country, ISO 3166-1 alpha-2",
      review_attributes: "merchant-defined review attributes, {attribute_in_snake_case: value}",
      profile_answers: PROFILE_ANSWERS_NOTE,
    },
    sampleProperties: {
      review_id: "4f8e2b1c-6d3a-4b7e-9c21-8a5f0e7d3b12",
      rating: 5,
      title: "My skin has never felt better",
      body: "I've used this serum every morning for three weeks. It absorbs quickly, isn't sticky under makeup and my dry patches are gone.",
      is_recommended: true,
      product_id: "8012345678901",
      product_name: "Hydrating Face Serum",
      product_url: `${SAMPLE_STORE}/products/hydrating-face-serum`,
      product_image_url: `${SAMPLE_STORE}/cdn/shop/products/hydrating-face-serum.jpg`,
      photo_count: 1,
      photo_urls: [`${SAMPLE_STORE}/reviews/4f8e2b1c/photo-1.jpg`],
      video_count: 0,
      overall_sentiment: "positive",
      language_code: "en",
      order_id: "5901234567890",
      order_number: "#1042",
      verified_status: "verifiedBuyer",
      country_code: "AU",
      review_attributes: { effectiveness: 5, scent: "Light" },
      profile_answers: [
        { question: "Skin Type", answer: "Combination" },
        { question: "Age Range", answer: "25 - 34" },
      ],
    },
    attributeEffects: reviewEffects,
  },
  "Okendo Review Request": {
    description: "Okendo asked a customer to review what they bought.",
    properties: {
      review_request_id: "Okendo review request ID",
      order_id: "Shopify order ID",
      order_number: "order number, e.g. #1042",
      product_id: "Shopify product ID of the first product to review",
      product_name: "name of the first product to review",
      product_url: "page URL of the first product to review",
      product_image_url: "image URL of the first product to review",
      products: "every product in the request, [{product_id, product_name, product_url, product_image_url}]",
      review_url: "link that opens Okendo's review form for this order",
      locale: "language the request should be written in, e.g. en",
    },
    sampleProperties: {
      review_request_id: "b3c1d9e2-7a4f-4e0b-8d6a-2f9c1e5a7b30",
      order_id: "5901234567890",
      order_number: "#1042",
      product_id: "8012345678901",
      product_name: "Hydrating Face Serum",
      product_url: `${SAMPLE_STORE}/products/hydrating-face-serum`,
      product_image_url: `${SAMPLE_STORE}/cdn/shop/products/hydrating-face-serum.jpg`,
      products: [
        {
          product_id: "8012345678901",
          product_name: "Hydrating Face Serum",
          product_url: `${SAMPLE_STORE}/products/hydrating-face-serum`,
          product_image_url: `${SAMPLE_STORE}/cdn/shop/products/hydrating-face-serum.jpg`,
        },
        {
          product_id: "8012345678902",
          product_name: "Gentle Foaming Cleanser",
          product_url: `${SAMPLE_STORE}/products/gentle-foaming-cleanser`,
          product_image_url: `${SAMPLE_STORE}/cdn/shop/products/gentle-foaming-cleanser.jpg`,
        },
      ],
      review_url: `${SAMPLE_STORE}/pages/write-a-review?request=b3c1d9e2-7a4f-4e0b-8d6a-2f9c1e5a7b30`,
      locale: "en",
    },
    attributeEffects: noEffects,
  },
  "Sent Okendo Referral": {
    description: "A customer referred a friend.",
    properties: {
      customer_role: "referrer",
      referral_id: "Okendo referral ID",
      channel: "how the referral was shared: email, sms, share_link…",
      recipient_email: "the friend's email, when shared by email",
      referral_url: "the referrer's shareable link (sets okendo_referral_shareable_link)",
      ...REFERRAL_TOTALS,
    },
    sampleProperties: {
      customer_role: "referrer",
      referral_id: "ref_8c2d4e6f",
      channel: "email",
      recipient_email: "sam.lee@example.com",
      referral_url: `${SAMPLE_STORE}/?okendo_ref=JANE-D-4821`,
      number_of_successful_referrals: 2,
      total_referral_revenue: 184.5,
    },
    attributeEffects: referralEffects,
  },
  "Opted In to Okendo Referrals": {
    description: "A customer opted in to the referral program.",
    properties: {
      customer_role: "referrer or recipient",
      referral_url: "the customer's shareable link, when they are the referrer (sets okendo_referral_shareable_link)",
      referrer_first_name: "first name of the friend who referred them, when they are the recipient",
      ...REFERRAL_TOTALS,
    },
    sampleProperties: {
      customer_role: "referrer",
      referral_url: `${SAMPLE_STORE}/?okendo_ref=JANE-D-4821`,
    },
    attributeEffects: referralEffects,
  },
  "Okendo Referral Invitation": {
    description: "A friend was invited to the store by a referrer (sent to the friend's profile).",
    properties: {
      customer_role: "recipient",
      referral_id: "Okendo referral ID",
      referrer_first_name: "first name of the referrer",
      referrer_last_name: "last name of the referrer",
      referral_url: "the invitation link to claim the offer",
      offer_description: "what the friend gets, as worded in Okendo",
    },
    sampleProperties: {
      customer_role: "recipient",
      referral_id: "ref_8c2d4e6f",
      referrer_first_name: "Jane",
      referrer_last_name: "Doe",
      referral_url: `${SAMPLE_STORE}/?okendo_ref=JANE-D-4821`,
      offer_description: "15% off your first order",
    },
    attributeEffects: referralEffects,
  },
  "Received Okendo Referral Coupon": {
    description: "A referrer or their friend was given a referral discount code.",
    properties: {
      customer_role: "referrer (their reward) or recipient (the friend's offer)",
      referral_id: "Okendo referral ID",
      coupon_code: "the discount code",
      coupon_description: "what the code is worth, as worded in Okendo",
      coupon_expires_at: "when the code expires, ISO 8601",
      referrer_first_name: "first name of the referrer, when the customer is the recipient",
      ...REFERRAL_TOTALS,
    },
    sampleProperties: {
      customer_role: "referrer",
      referral_id: "ref_8c2d4e6f",
      coupon_code: "THANKS-JANE-7Q2K",
      coupon_description: "$20 off your next order",
      coupon_expires_at: "2027-02-28T23:59:59Z",
      number_of_successful_referrals: 3,
      total_referral_revenue: 262.3,
    },
    attributeEffects: referralEffects,
  },
  "Redeemed Okendo Referral Coupon": {
    description: "A referral discount code was used at checkout.",
    properties: {
      customer_role: "referrer or recipient",
      referral_id: "Okendo referral ID",
      coupon_code: "the discount code used",
      order_id: "Shopify order ID",
      order_number: "order number, e.g. #1057",
      order_total: "order total",
      currency: "order currency, ISO 4217",
      ...REFERRAL_TOTALS,
    },
    sampleProperties: {
      customer_role: "recipient",
      referral_id: "ref_8c2d4e6f",
      coupon_code: "WELCOME-SAM-9X4P",
      order_id: "5901234567999",
      order_number: "#1057",
      order_total: 77.8,
      currency: "AUD",
    },
    attributeEffects: referralEffects,
  },
  "Okendo Referral Rejected": {
    description: "Okendo rejected a referral, e.g. the friend was already a customer.",
    properties: {
      customer_role: "referrer or recipient",
      referral_id: "Okendo referral ID",
      reason: "why Okendo rejected the referral",
    },
    sampleProperties: {
      customer_role: "referrer",
      referral_id: "ref_3a9b7c1d",
      reason: "The referred friend is an existing customer",
    },
    attributeEffects: referralEffects,
  },
  "Enrolled in Okendo Loyalty": {
    description: "A customer joined the loyalty program.",
    properties: {
      status: "enrolled, pending or blocked (sets okendo_loyalty_status)",
      points_balance: "points balance on joining (sets okendo_loyalty_points_balance)",
      tier: "VIP tier on joining (sets okendo_loyalty_vip_tier)",
      enrolled_at: "when they joined, ISO 8601 (sets okendo_loyalty_enrollment_date)",
    },
    sampleProperties: {
      status: "enrolled",
      points_balance: 100,
      tier: "Bronze",
      enrolled_at: "2026-11-26T10:00:00.000Z",
    },
    attributeEffects: loyaltyEffects,
  },
  "Okendo Loyalty Points Awarded": {
    description: "A customer earned loyalty points.",
    properties: { points: "points earned", ...LOYALTY_TRANSACTION },
    sampleProperties: {
      points: 250,
      transaction_id: "txn_e7a1c3f5",
      activity_id: "act_place_order",
      reason: "Placed order #1042",
      transaction_status: "approved",
      points_balance: 350,
    },
    attributeEffects: loyaltyEffects,
  },
  "Okendo Loyalty Points Redeemed": {
    description: "A customer spent loyalty points on a reward.",
    properties: {
      points: "points spent",
      reward_name: "the reward they chose",
      coupon_code: "discount code issued for the reward",
      ...LOYALTY_TRANSACTION,
    },
    sampleProperties: {
      points: 200,
      reward_name: "$10 off",
      coupon_code: "LOYALTY-10-8H3M",
      transaction_id: "txn_b4d2f8a9",
      activity_id: "reward_10_off",
      reason: "Redeemed $10 off",
      transaction_status: "approved",
      points_balance: 150,
    },
    attributeEffects: loyaltyEffects,
  },
  "Okendo Loyalty Tier Changed": {
    description: "A customer moved to a different VIP tier.",
    properties: {
      tier: "new VIP tier (sets okendo_loyalty_vip_tier)",
      previous_tier: "VIP tier before the change",
    },
    sampleProperties: { tier: "Gold", previous_tier: "Silver" },
    attributeEffects: loyaltyEffects,
  },
  "Okendo Loyalty Points Adjusted": {
    description: "The store changed a customer's points by hand.",
    properties: { points: "points added (positive) or removed (negative)", ...LOYALTY_TRANSACTION },
    sampleProperties: {
      points: -50,
      transaction_id: "txn_c9e5a1b7",
      reason: "Goodwill correction for a returned order",
      transaction_status: "approved",
      points_balance: 100,
    },
    attributeEffects: loyaltyEffects,
  },
  "Submitted Okendo Survey": {
    description: "A customer answered an Okendo survey.",
    properties: {
      survey_id: "Okendo survey ID",
      survey_name: "survey name",
      response_id: "Okendo response ID",
      answers: "every answer, [{question, answer}]",
      nps: "Net Promoter Score 0 to 10, when the survey asks it (sets okendo_latest_nps and okendo_latest_nps_category)",
      profile_answers: PROFILE_ANSWERS_NOTE,
    },
    sampleProperties: {
      survey_id: "srv_post_purchase",
      survey_name: "Post-purchase survey",
      response_id: "resp_5d7f9b1e",
      answers: [
        { question: "How did you hear about us?", answer: "Instagram" },
        { question: "How likely are you to recommend us to a friend?", answer: 9 },
      ],
      nps: 9,
      profile_answers: [{ question: "Hair Color", answer: "Brown" }],
    },
    attributeEffects: surveyEffects,
  },
  "Submitted Okendo Quiz": {
    description: "A customer completed an Okendo quiz.",
    properties: {
      quiz_id: "Okendo quiz ID",
      quiz_name: "quiz name",
      response_id: "Okendo response ID",
      answers: "every answer, [{question, answer}]",
      result: "the quiz outcome shown to the customer",
      recommended_products: "products recommended, [{product_id, product_name, product_url}]",
      profile_answers: PROFILE_ANSWERS_NOTE,
    },
    sampleProperties: {
      quiz_id: "quiz_skin_finder",
      quiz_name: "Find your skincare routine",
      response_id: "resp_2b4c6d8e",
      answers: [
        { question: "What is your skin type?", answer: "Combination" },
        { question: "What is your main concern?", answer: ["Dryness", "Dullness"] },
      ],
      result: "Hydration routine",
      recommended_products: [
        {
          product_id: "8012345678901",
          product_name: "Hydrating Face Serum",
          product_url: `${SAMPLE_STORE}/products/hydrating-face-serum`,
        },
        {
          product_id: "8012345678903",
          product_name: "Barrier Repair Moisturiser",
          product_url: `${SAMPLE_STORE}/products/barrier-repair-moisturiser`,
        },
      ],
      profile_answers: [{ question: "Skin Type", answer: "Combination" }],
    },
    attributeEffects: quizEffects,
  },
};

// The sample's attributes are derived from its properties so the two can never disagree.
export const CATALOG: readonly CatalogEntry[] = Object.freeze(
  CATALOG_EVENT_NAMES.map((name) => {
    const { sampleProperties, ...definition } = DEFINITIONS[name];
    return deepFreeze({
      name,
      group: groupOf(name),
      slug: slugOf(name),
      ...definition,
      sample: { properties: sampleProperties, attributes: definition.attributeEffects(sampleProperties) },
    });
  }),
);

const BY_NAME = new Map<string, CatalogEntry>(CATALOG.map((entry) => [entry.name, entry]));

export function catalogEntry(name: CatalogEventName): CatalogEntry {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`Not a catalog event name: ${JSON.stringify(name)}`);
  return found;
}

// The sample of an entry as a ready-to-map event (the "Send test events" button and the demo).
// Cloned so a caller can never edit the shared table.
export function sampleEvent(name: CatalogEventName, customer: CustomerRef, occurredAt: string): CatalogEvent {
  const { sample } = catalogEntry(name);
  return {
    kind: "event",
    name,
    occurredAt,
    customer: { ...customer },
    properties: structuredClone(sample.properties),
    attributes: structuredClone(sample.attributes),
  };
}
