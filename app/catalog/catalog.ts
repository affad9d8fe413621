// The event catalog: the 15 Braze custom events Okendo's own connector sends, as data.
// The settings screen, the mapper, the "Send test events" button and the docs all read this one
// table, so a name, property or attribute rule is changed here and nowhere else.
//
// Names are exact and case-sensitive (Braze partner page for Okendo). Okendo does not publish full
// property lists; the keys below are the ones seen in Okendo's docs (is_recommended, language_code,
// overall_sentiment, photo_count, photo_urls, product_name, product_url, review_request_id, locale,
// customer_role, coupon_code, referrer_first_name, activity_id) completed with the fields of
// Okendo's REST objects in the same snake_case style. Each property is optional: a source sends
// what it has.
import type { CatalogEvent, CustomerRef, ProductGroup } from "./types";

export const PRODUCT_GROUPS: readonly ProductGroup[] = Object.freeze([
  "Reviews",
  "Referrals",
  "Loyalty",
  "Surveys",
  "Quizzes",
] as const);

export const CATALOG_EVENT_NAMES = Object.freeze([
  "Okendo Review Created",
  "Okendo Review Request",
  "Sent Okendo Referral",
  "Opted In to Okendo Referrals",
  "Okendo Referral Invitation",
  "Received Okendo Referral Coupon",
  "Redeemed Okendo Referral Coupon",
  "Okendo Referral Rejected",
  "Enrolled in Okendo Loyalty",
  "Okendo Loyalty Points Awarded",
  "Okendo Loyalty Points Redeemed",
  "Okendo Loyalty Tier Changed",
  "Okendo Loyalty Points Adjusted",
  "Submitted Okendo Survey",
  "Submitted Okendo Quiz",
] as const);

export type CatalogEventName = (typeof CATALOG_EVENT_NAMES)[number];

// Every custom attribute this app writes, in one place so docs and screens can list them.
// All carry the okendo_ prefix so they never collide with Braze's own Shopify app (shopify_*).
export const ATTRIBUTE_KEYS = Object.freeze({
  latestReviewRating: "okendo_latest_review_rating",
  latestReviewSentiment: "okendo_latest_review_sentiment",
  averageReviewRating: "okendo_average_review_rating",
  averageReviewSentiment: "okendo_average_review_sentiment",
  numberOfReviews: "okendo_number_of_reviews",
  numberOfSuccessfulReferrals: "okendo_number_of_successful_referrals",
  totalReferralRevenue: "okendo_total_referral_revenue",
  referralShareableLink: "okendo_referral_shareable_link",
  loyaltyPointsBalance: "okendo_loyalty_points_balance",
  loyaltyVipTier: "okendo_loyalty_vip_tier",
  loyaltyStatus: "okendo_loyalty_status",
  loyaltyEnrollmentDate: "okendo_loyalty_enrollment_date",
  loyaltyPointsExpiryDate: "okendo_loyalty_points_expiry_date",
  loyaltyVipTierExpiryDate: "okendo_loyalty_vip_tier_expiry_date",
  latestNps: "okendo_latest_nps",
  latestNpsCategory: "okendo_latest_nps_category",
} as const);

export interface CatalogEntry {
  name: CatalogEventName;
  group: ProductGroup;
  slug: string; // kebab-case: fixture file names and URLs
  description: string; // one line a merchant understands
  properties: Readonly<Record<string, string>>; // snake_case key → what it holds
  sample: { properties: Record<string, unknown>; attributes: Record<string, unknown> };
  attributeEffects(properties: Record<string, unknown>): Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Attribute rules. Tolerant on input (numbers may arrive as numeric strings from templating tools)
// because a property Okendo or a merchant spelled loosely should not cost the attribute.

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text === "" ? undefined : text;
}

// "Skin Type" → "skin_type", "What's your hair colour?" → "whats_your_hair_colour", "skinType" → "skin_type".
// Latin accents are dropped (Liquid users type plain ASCII); other scripts are kept as letters.
export function toSnakeCase(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .replace(/['’]/g, "")
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1_$2")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

const MAX_ATTRIBUTE_KEY_LENGTH = 255; // Braze custom attribute key limit (see app/braze/limits.ts)

// A profile question asked in a survey, a quiz or a review form becomes the custom attribute
// okendo_<question in snake_case>, e.g. "Skin Type" → okendo_skin_type.
export function profileAttributeKey(question: string): string {
  const key = `okendo_${toSnakeCase(question) || "profile_answer"}`;
  return key.slice(0, MAX_ATTRIBUTE_KEY_LENGTH);
}

// profile_answers is [{question, answer}] (the form the catalog documents); a {question: answer}
// object is accepted too. Unanswered questions are skipped: no answer is not "erase the attribute".
function profileAnswerEffects(value: unknown): Record<string, unknown> {
  const pairs: Array<[unknown, unknown]> = Array.isArray(value)
    ? value.map((item: unknown) => {
        const pair = item && typeof item === "object" ? (item as Record<string, unknown>) : {};
        return [pair.question, pair.answer];
      })
    : value && typeof value === "object"
      ? Object.entries(value)
      : [];
  const attributes: Record<string, unknown> = {};
  for (const [question, answer] of pairs) {
    const text = asText(question);
    if (!text || answer === undefined || answer === null) continue;
    attributes[profileAttributeKey(text)] = answer;
  }
  return attributes;
}

function reviewEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const rating = asNumber(p.rating);
  if (rating !== undefined) attributes[ATTRIBUTE_KEYS.latestReviewRating] = rating;
  const sentiment = asText(p.overall_sentiment);
  if (sentiment) attributes[ATTRIBUTE_KEYS.latestReviewSentiment] = sentiment.toLowerCase();
  return { ...attributes, ...profileAnswerEffects(p.profile_answers) };
}

// Okendo sends the referrer's running totals with referral events; the share link is only the
// customer's own when they are the referrer (a recipient's referral_url is someone else's link).
function referralEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const successful = asNumber(p.number_of_successful_referrals);
  if (successful !== undefined) attributes[ATTRIBUTE_KEYS.numberOfSuccessfulReferrals] = successful;
  const revenue = asNumber(p.total_referral_revenue);
  if (revenue !== undefined) attributes[ATTRIBUTE_KEYS.totalReferralRevenue] = revenue;
  const link = asText(p.referral_url);
  if (link && p.customer_role === "referrer") attributes[ATTRIBUTE_KEYS.referralShareableLink] = link;
  return attributes;
}

function loyaltyEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const balance = asNumber(p.points_balance);
  if (balance !== undefined) attributes[ATTRIBUTE_KEYS.loyaltyPointsBalance] = balance;
  const tier = asText(p.tier);
  if (tier) attributes[ATTRIBUTE_KEYS.loyaltyVipTier] = tier;
  const status = asText(p.status);
  if (status) attributes[ATTRIBUTE_KEYS.loyaltyStatus] = status.toLowerCase(); // enrolled|pending|blocked
  const enrolledAt = asText(p.enrolled_at);
  if (enrolledAt) attributes[ATTRIBUTE_KEYS.loyaltyEnrollmentDate] = enrolledAt;
  return attributes;
}

// NPS category by the standard Net Promoter bands.
export function npsCategory(score: number): "promoter" | "passive" | "detractor" {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

function surveyEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const nps = asNumber(p.nps);
  if (nps !== undefined && Number.isInteger(nps) && nps >= 0 && nps <= 10) {
    attributes[ATTRIBUTE_KEYS.latestNps] = nps;
    attributes[ATTRIBUTE_KEYS.latestNpsCategory] = npsCategory(nps);
  }
  return { ...attributes, ...profileAnswerEffects(p.profile_answers) };
}

function quizEffects(p: Record<string, unknown>): Record<string, unknown> {
  return profileAnswerEffects(p.profile_answers);
}

const noEffects = (): Record<string, unknown> => ({});

// ---------------------------------------------------------------------------------------------
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

type EntryDefinition = Omit<CatalogEntry, "sample"> & { sampleProperties: Record<string, unknown> };

// The sample's attributes are derived from its properties so the two can never disagree.
function entry({ sampleProperties, ...definition }: EntryDefinition): CatalogEntry {
  return deepFreeze({
    ...definition,
    sample: { properties: sampleProperties, attributes: definition.attributeEffects(sampleProperties) },
  });
}

// ---------------------------------------------------------------------------------------------

export const CATALOG: readonly CatalogEntry[] = Object.freeze([
  entry({
    name: "Okendo Review Created",
    group: "Reviews",
    slug: "okendo-review-created",
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
  }),
  entry({
    name: "Okendo Review Request",
    group: "Reviews",
    slug: "okendo-review-request",
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
  }),
  entry({
    name: "Sent Okendo Referral",
    group: "Referrals",
    slug: "sent-okendo-referral",
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
  }),
  entry({
    name: "Opted In to Okendo Referrals",
    group: "Referrals",
    slug: "opted-in-to-okendo-referrals",
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
  }),
  entry({
    name: "Okendo Referral Invitation",
    group: "Referrals",
    slug: "okendo-referral-invitation",
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
  }),
  entry({
    name: "Received Okendo Referral Coupon",
    group: "Referrals",
    slug: "received-okendo-referral-coupon",
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
  }),
  entry({
    name: "Redeemed Okendo Referral Coupon",
    group: "Referrals",
    slug: "redeemed-okendo-referral-coupon",
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
  }),
  entry({
    name: "Okendo Referral Rejected",
    group: "Referrals",
    slug: "okendo-referral-rejected",
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
  }),
  entry({
    name: "Enrolled in Okendo Loyalty",
    group: "Loyalty",
    slug: "enrolled-in-okendo-loyalty",
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
  }),
  entry({
    name: "Okendo Loyalty Points Awarded",
    group: "Loyalty",
    slug: "okendo-loyalty-points-awarded",
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
  }),
  entry({
    name: "Okendo Loyalty Points Redeemed",
    group: "Loyalty",
    slug: "okendo-loyalty-points-redeemed",
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
  }),
  entry({
    name: "Okendo Loyalty Tier Changed",
    group: "Loyalty",
    slug: "okendo-loyalty-tier-changed",
    description: "A customer moved to a different VIP tier.",
    properties: {
      tier: "new VIP tier (sets okendo_loyalty_vip_tier)",
      previous_tier: "VIP tier before the change",
    },
    sampleProperties: { tier: "Gold", previous_tier: "Silver" },
    attributeEffects: loyaltyEffects,
  }),
  entry({
    name: "Okendo Loyalty Points Adjusted",
    group: "Loyalty",
    slug: "okendo-loyalty-points-adjusted",
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
  }),
  entry({
    name: "Submitted Okendo Survey",
    group: "Surveys",
    slug: "submitted-okendo-survey",
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
  }),
  entry({
    name: "Submitted Okendo Quiz",
    group: "Quizzes",
    slug: "submitted-okendo-quiz",
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
  }),
]);

const BY_NAME = new Map<string, CatalogEntry>(CATALOG.map((e) => [e.name, e]));

export function isCatalogEventName(x: unknown): x is CatalogEventName {
  return typeof x === "string" && BY_NAME.has(x);
}

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

// ---------------------------------------------------------------------------------------------
// Review aggregates. Okendo's connector sends average rating/sentiment and review count, but a
// single review webhook does not carry them, so the caller keeps these stats per customer (JSON in
// the database) and folds each new review in. Not idempotent by itself: fold a review once.

export interface ReviewStats {
  count: number; // reviews with a usable rating
  ratingSum: number;
  // sentiment → how often seen and the review number it was last seen at (breaks ties: most recent wins)
  sentiments: Record<string, { count: number; lastSeen: number }>;
}

function statsAttributes(stats: ReviewStats): Record<string, unknown> {
  if (stats.count === 0) return {};
  const attributes: Record<string, unknown> = {
    [ATTRIBUTE_KEYS.averageReviewRating]: Math.round((stats.ratingSum / stats.count) * 100) / 100,
    [ATTRIBUTE_KEYS.numberOfReviews]: stats.count,
  };
  let best: [string, { count: number; lastSeen: number }] | undefined;
  for (const candidate of Object.entries(stats.sentiments)) {
    const [, seen] = candidate;
    if (!best || seen.count > best[1].count || (seen.count === best[1].count && seen.lastSeen > best[1].lastSeen)) {
      best = candidate;
    }
  }
  if (best) attributes[ATTRIBUTE_KEYS.averageReviewSentiment] = best[0];
  return attributes;
}

export function nextReviewStats(
  prev: ReviewStats | undefined,
  review: { rating: number; sentiment?: string },
): { stats: ReviewStats; attributes: Record<string, unknown> } {
  const base: ReviewStats = prev
    ? { count: prev.count, ratingSum: prev.ratingSum, sentiments: structuredClone(prev.sentiments) }
    : { count: 0, ratingSum: 0, sentiments: {} };
  // A review without a usable rating changes nothing: an average over bad input is worse than none.
  if (typeof review.rating !== "number" || !Number.isFinite(review.rating)) {
    return { stats: base, attributes: statsAttributes(base) };
  }
  base.count += 1;
  base.ratingSum += review.rating;
  const sentiment = review.sentiment?.trim().toLowerCase();
  if (sentiment) {
    const seen = base.sentiments[sentiment] ?? { count: 0, lastSeen: 0 };
    base.sentiments[sentiment] = { count: seen.count + 1, lastSeen: base.count };
  }
  return { stats: base, attributes: statsAttributes(base) };
}
