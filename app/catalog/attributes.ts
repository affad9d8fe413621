// The custom attributes this app writes and the rules that derive them from an event's properties. All carry the
// okendo_ prefix so they never collide with Braze's own Shopify app (shopify_*).
import { toNumber, toSnakeCase, toText } from "./coerce";

// Every custom attribute this app writes, in one place so docs and screens can list them.
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

// Attribute rules. Tolerant on input (numbers may arrive as numeric strings from templating tools)
// because a property Okendo or a merchant spelled loosely should not cost the attribute.

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
    const text = toText(question);
    if (!text || answer === undefined || answer === null) continue;
    attributes[profileAttributeKey(text)] = answer;
  }
  return attributes;
}

export function reviewEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const rating = toNumber(p.rating);
  if (rating !== undefined) attributes[ATTRIBUTE_KEYS.latestReviewRating] = rating;
  const sentiment = toText(p.overall_sentiment);
  if (sentiment) attributes[ATTRIBUTE_KEYS.latestReviewSentiment] = sentiment.toLowerCase();
  return { ...attributes, ...profileAnswerEffects(p.profile_answers) };
}

// Okendo sends the referrer's running totals with referral events; the share link is only the
// customer's own when they are the referrer (a recipient's referral_url is someone else's link).
export function referralEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const successful = toNumber(p.number_of_successful_referrals);
  if (successful !== undefined) attributes[ATTRIBUTE_KEYS.numberOfSuccessfulReferrals] = successful;
  const revenue = toNumber(p.total_referral_revenue);
  if (revenue !== undefined) attributes[ATTRIBUTE_KEYS.totalReferralRevenue] = revenue;
  const link = toText(p.referral_url);
  if (link && p.customer_role === "referrer") attributes[ATTRIBUTE_KEYS.referralShareableLink] = link;
  return attributes;
}

export function loyaltyEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const balance = toNumber(p.points_balance);
  if (balance !== undefined) attributes[ATTRIBUTE_KEYS.loyaltyPointsBalance] = balance;
  const tier = toText(p.tier);
  if (tier) attributes[ATTRIBUTE_KEYS.loyaltyVipTier] = tier;
  const status = toText(p.status);
  if (status) attributes[ATTRIBUTE_KEYS.loyaltyStatus] = status.toLowerCase(); // enrolled|pending|blocked
  const enrolledAt = toText(p.enrolled_at);
  if (enrolledAt) attributes[ATTRIBUTE_KEYS.loyaltyEnrollmentDate] = enrolledAt;
  return attributes;
}

// NPS category by the standard Net Promoter bands.
export function npsCategory(score: number): "promoter" | "passive" | "detractor" {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export function surveyEffects(p: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const nps = toNumber(p.nps);
  if (nps !== undefined && Number.isInteger(nps) && nps >= 0 && nps <= 10) {
    attributes[ATTRIBUTE_KEYS.latestNps] = nps;
    attributes[ATTRIBUTE_KEYS.latestNpsCategory] = npsCategory(nps);
  }
  return { ...attributes, ...profileAnswerEffects(p.profile_answers) };
}

export function quizEffects(p: Record<string, unknown>): Record<string, unknown> {
  return profileAnswerEffects(p.profile_answers);
}

export const noEffects = (): Record<string, unknown> => ({});
