// The one normalized shape every source (Okendo webhooks, the JSON event envelope, Shopify Flow, test events, the
// Okendo API) produces and the Braze mapper consumes. Adding a source never touches delivery; adding an event
// never touches ingress.
import type { CatalogEventName } from "./names";

// Who the message is about. Normalized by every source: email trimmed and lowercased,
// shopifyCustomerId a string of digits (see the helpers below).
export interface CustomerRef {
  email?: string;
  shopifyCustomerId?: string;
  firstName?: string;
  lastName?: string;
}

// What a source saw of the customer that only makes sense against what the app remembers (the enrich step,
// app/customers): the loyalty tier Okendo reports now. A member update whose tier differs from the remembered one
// becomes "Okendo Loyalty Tier Changed".
export interface Observations {
  loyaltyTier?: string;
}

export interface CatalogEvent {
  kind: "event";
  name: CatalogEventName;
  occurredAt: string; // ISO 8601
  customer: CustomerRef;
  properties: Record<string, unknown>;
  attributes: Record<string, unknown>;
  observed?: Observations;
}

// A profile change with no event (e.g. an Okendo loyalty member's balance updated).
export interface AttributeUpdate {
  kind: "attributes";
  occurredAt: string;
  customer: CustomerRef;
  attributes: Record<string, unknown>;
  observed?: Observations;
}

export type NormalizedMessage = CatalogEvent | AttributeUpdate;

// Emails identify profiles in Braze (as the email identifier or as external_id when the shop's
// toggle is off), so the same address must always be spelled the same way.
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Shopify customer IDs reach us as numbers, digit strings, "shopify-123" (Okendo's product/customer
// prefix) or Admin API GIDs ("gid://shopify/Customer/123"). Braze's external_id must be one stable
// spelling, so all of them become "123". Anything else is not a Shopify customer ID: undefined.
export function normalizeShopifyCustomerId(value: unknown): string | undefined {
  if (typeof value === "number") {
    // Beyond 2^53 the number has already lost digits; refusing beats identifying the wrong person.
    return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const match = /^(?:gid:\/\/shopify\/Customer\/|shopify-)?(\d{1,20})$/i.exec(text);
  if (!match?.[1] || /^0+$/.test(match[1])) return undefined;
  return match[1];
}
