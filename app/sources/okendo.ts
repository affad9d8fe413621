// What arrives at a shop's Okendo URL: Okendo's native webhook deliveries (the object under `resource`) or the
// documented JSON event envelope for any catalog event (docs/ingress.md), told apart by their shape.
import { asRecord } from "../catalog/coerce";
import { interpretEnvelope, isEventEnvelope } from "./envelope";
import type { Interpretation } from "./interpretation";
import { interpretNative, isNativeDelivery } from "./okendo-native";

// `urlTopic`: the topic named by the subscription's URL (/webhooks/okendo/<id>/<topic>), if any.
export function interpretOkendo(body: unknown, urlTopic?: string, now = new Date()): Interpretation {
  if (!asRecord(body)) {
    return { kind: "invalid", problems: ["The body must be a JSON object: an Okendo webhook or an event envelope."] };
  }
  if (isNativeDelivery(body)) return interpretNative(body, urlTopic, now);
  if (isEventEnvelope(body)) return interpretEnvelope(body);
  return {
    kind: "unmapped",
    reason: "Neither an Okendo webhook (no `resource`) nor an event envelope (no `event`).",
  };
}
