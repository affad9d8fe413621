// The enqueue transition: the Delivery rows one message becomes, and the status each starts in. One row per Braze
// object (an attribute update, an event) — queued, or waiting for its identifier while the worker asks Shopify who
// the customer is — or one row holding the message when no identifier can be had.
import { toBrazeObjects } from "../braze/objects";
import type { NormalizedMessage } from "../catalog/messages";
import type { Identity } from "../identity/resolve.server";
import type { NewDelivery } from "../store/statements";
import { DeliveryKind, DeliveryStatus } from "./delivery-status";

export const SWITCHED_OFF_NOTE = "Not sent: this event is switched off in Settings.";

export function deliveryRows(
  shop: string,
  inboundId: string | null,
  message: NormalizedMessage,
  identity: Identity,
  withheld: string | null, // why the message must not go out (switched off, a review already forwarded)
): NewDelivery[] {
  const base = {
    shop,
    inboundId,
    eventName: message.kind === "event" ? message.name : null,
    customerEmail: identity.email ?? null,
    shopifyCustomerId: "shopifyCustomerId" in identity ? (identity.shopifyCustomerId ?? null) : null,
  };
  const whole = (kind: DeliveryKind, status: DeliveryStatus, lastError: string | null): NewDelivery => ({
    ...base,
    kind,
    identifierType: "none",
    customerKey: "",
    payload: JSON.stringify(message),
    note: withheld,
    status: withheld ? DeliveryStatus.skipped : status,
    lastError: withheld ? null : lastError,
  });

  if (identity.kind === "unidentifiable") {
    const kind = message.kind === "event" ? DeliveryKind.event : DeliveryKind.attributes;
    return [whole(kind, DeliveryStatus.failed, identity.reason)];
  }
  const identified = identity.kind === "identified" ? identity : null;
  const { objects, adjustments } = toBrazeObjects(message, identified?.identifier ?? null);
  const note = [withheld, identified?.note, ...noted(adjustments)].filter(Boolean).join(" ") || null;
  const ready = identified ? DeliveryStatus.queued : DeliveryStatus.waitingIdentity;
  return objects.map(({ type, object }) => ({
    ...base,
    kind: type,
    identifierType: identified?.identifierType ?? "none",
    customerKey: identified?.customerKey ?? "",
    payload: JSON.stringify(object),
    note,
    status: withheld ? DeliveryStatus.skipped : ready,
    lastError: null,
  }));
}

// What was changed to fit Braze's limits, for the activity log; a sender can make thousands of changes necessary, and
// the note must not grow with them.
const MAX_NOTED_CHANGES = 10;
function noted(adjustments: string[]): string[] {
  if (adjustments.length <= MAX_NOTED_CHANGES) return adjustments;
  const more = adjustments.length - MAX_NOTED_CHANGES;
  return [...adjustments.slice(0, MAX_NOTED_CHANGES), `…and ${more} more changes to fit Braze's limits.`];
}

// A message that could not be mapped: kept, shown in the activity log, never sent; retryable after a mapping change.
export function unmappedRow(shop: string, inboundId: string, reason: string): NewDelivery {
  return {
    shop,
    inboundId,
    kind: DeliveryKind.unmapped,
    eventName: null,
    identifierType: "none",
    customerKey: "",
    customerEmail: null,
    shopifyCustomerId: null,
    payload: "null",
    note: null,
    status: DeliveryStatus.unmapped,
    lastError: reason,
  };
}
