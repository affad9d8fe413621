// Okendo's connector sends a customer's average review rating and sentiment and their number of reviews, but a
// review webhook carries one review. The enrich step (enrich.ts) keeps running totals per customer and shop — with
// the arithmetic in SQL, so concurrent reviews never lose a count — and these are the attributes they give.
import { ATTRIBUTE_KEYS } from "../catalog/attributes";
import type { ReviewTotals } from "../store/statements";

export function reviewTotalsAttributes(totals: ReviewTotals): Record<string, unknown> {
  if (totals.count === 0) return {};
  return {
    [ATTRIBUTE_KEYS.averageReviewRating]: Math.round((totals.ratingSum / totals.count) * 100) / 100,
    [ATTRIBUTE_KEYS.numberOfReviews]: totals.count,
    ...(totals.sentiment ? { [ATTRIBUTE_KEYS.averageReviewSentiment]: totals.sentiment } : {}),
  };
}
