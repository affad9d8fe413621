// Turns one verified Okendo delivery (native webhook or event envelope) into an accepted inbound message.
import type { Shop } from "@prisma/client";
import { isEventEnvelope, parseEventEnvelope } from "./envelope";
import { isNativeDelivery, normalizeNativeDelivery } from "./native";
import { accept, rememberedLoyaltyTier, type Accepted, type Interpretation } from "../outbox/accept.server";

export type IngestResult = Accepted | { status: "invalid"; problems: string[] };

export type OkendoReading = Interpretation | { kind: "invalid"; problems: string[] };

// What an Okendo body means with today's mapping. Also re-reads a stored message when the merchant retries an
// unmapped one (app/activity/replay.server.ts).
export async function readOkendoBody(shop: Shop, body: unknown): Promise<OkendoReading> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { kind: "invalid", problems: ["The body must be a JSON object: an Okendo webhook or an event envelope."] };
  } else if (isEventEnvelope(body)) {
    const parsed = parseEventEnvelope(body);
    if (!parsed.ok) return { kind: "invalid", problems: parsed.problems };
    return { kind: "mapped", messages: [parsed.event] };
  } else if (isNativeDelivery(body)) {
    return normalizeNativeDelivery(body, {
      previousLoyaltyTier: (customer) => rememberedLoyaltyTier(shop.domain, customer),
    });
  }
  return {
    kind: "unmapped",
    reason: "Neither an Okendo webhook (no `resource`) nor an event envelope (no `event`).",
  };
}

export async function ingestOkendoDelivery(
  shop: Shop,
  messageId: string,
  rawBody: string,
  body: unknown,
): Promise<IngestResult> {
  const inbound = { shop, source: "okendo" as const, dedupeKey: messageId, rawBody };
  const interpretation = await readOkendoBody(shop, body);
  if (interpretation.kind === "invalid") return { status: "invalid", problems: interpretation.problems };
  return accept(inbound, interpretation);
}
