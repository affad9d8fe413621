// A review read through Okendo's Merchant API (GET /reviews) by the missed-webhook recovery
// (app/okendo/recovery.server.ts) or the history import (app/okendo/history-import-job.server.ts). The API returns
// the same review object a review.create webhook carries under `resource`, so it is read by the native webhook's
// reader, as the review.create topic: there is one reading of an Okendo review.
import type { Interpretation } from "./interpretation";
import { interpretNative } from "./okendo-native";

/** `review`: one review of GET /reviews, as Okendo returned it; `now` dates a review without a dateCreated. */
export function interpretApiReview(review: unknown, now = new Date()): Interpretation {
  return interpretNative({ resource: review }, "review.create", now);
}
