// What Okendo Sequences' "Forward to HTTP Endpoint" step sends: the documented event envelope, filled in with the
// step's variables. The step has no timestamp of its own to offer, so a missing occurredAt means "now" (the request
// is made when the sequence reaches the step).
import { asRecord } from "../catalog/coerce";
import { interpretEnvelope } from "./envelope";
import type { Interpretation } from "./interpretation";

export function interpretSequencesRequest(body: unknown, now = new Date()): Interpretation {
  const envelope = asRecord(body);
  if (!envelope) return { kind: "invalid", problems: ["The body must be a JSON object: the event envelope."] };
  const occurredAt =
    envelope.occurredAt === undefined || envelope.occurredAt === "" ? now.toISOString() : envelope.occurredAt;
  return interpretEnvelope({ ...envelope, occurredAt });
}

// The body to paste into the step for "Okendo Review Request", with the step's variables (Okendo's article
// "HTTP Block for Sequences" lists them; check their names in the step's variable list).
export const SEQUENCES_REVIEW_REQUEST_BODY = `{
  "event": "Okendo Review Request",
  "customer": { "email": "{{email}}", "firstName": "{{firstName}}", "lastName": "{{lastName}}" },
  "properties": {
    "order_number": "{{orderNumber}}",
    "review_url": "{{reviewUrl}}",
    "products": [{{#each reviewRequestProductList}}{"product_id": "{{this.productId}}"}{{#unless @last}},{{/unless}}{{/each}}]
  }
}`;
