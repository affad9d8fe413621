// Turns one verified Okendo delivery (native webhook or event envelope) into an accepted inbound message.
import type { Shop } from "@prisma/client";
import { isEventEnvelope, parseEventEnvelope } from "./envelope";
import { isNativeDelivery, normalizeNativeDelivery } from "./native";
import { accept, alreadyAccepted, rememberedLoyaltyTier, type Accepted, type Interpretation } from "../outbox/accept.server";

export type IngestResult = Accepted | { status: "invalid"; problems: string[] };

export async function ingestOkendoDelivery(shop: Shop, messageId: string, rawBody: string, body: unknown): Promise<IngestResult> {
  const inbound = { shop, source: "okendo" as const, dedupeKey: messageId, rawBody };
  if (await alreadyAccepted(inbound)) return { status: "duplicate" };

  let interpretation: Interpretation;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { status: "invalid", problems: ["The body must be a JSON object: an Okendo webhook or an event envelope."] };
  } else if (isEventEnvelope(body)) {
    const parsed = parseEventEnvelope(body);
    if (!parsed.ok) return { status: "invalid", problems: parsed.problems };
    interpretation = { kind: "mapped", messages: [parsed.event] };
  } else if (isNativeDelivery(body)) {
    interpretation = await normalizeNativeDelivery(body, {
      previousLoyaltyTier: (customer) => rememberedLoyaltyTier(shop.domain, customer),
    });
  } else {
    interpretation = {
      kind: "unmapped",
      reason: "Neither an Okendo webhook (no `resource`) nor an event envelope (no `event`).",
    };
  }
  return accept(inbound, interpretation);
}
