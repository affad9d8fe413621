// Who a message is about, in Braze's terms, following the shop's "Use Shopify Customer ID" toggle.
// On: external_id = the Shopify customer ID — from the payload, else the shop's email → ID cache, else Shopify's
// Admin API; a customer Shopify does not know goes out with Braze's email identifier. Off: external_id = the
// normalized email. Never two primary identifiers on one object; no usable identifier → the message fails with
// that reason.
//
// The ingress decides with what it has locally (the payload and the cache). A message that needs Shopify waits as
// "waiting for identity" and the delivery worker asks (identifyWithShopify): nothing on the request path waits on
// another service, and a Shopify outage delays the message rather than splitting one customer into two Braze
// profiles (an email-identified one beside the customer-ID one).
import type { BrazeIdentifier } from "../braze/objects";
import { externalIdFits } from "../braze/limits";
import { normalizeEmail, type CustomerRef } from "../catalog/messages";
import type { AdminLookup } from "./shopify-customers.server";

export type Identity =
  | {
      kind: "identified";
      identifier: BrazeIdentifier;
      identifierType: "external_id" | "email";
      customerKey: string;
      email?: string;
      shopifyCustomerId?: string;
      note?: string;
    }
  | { kind: "unidentifiable"; reason: string; email?: string; shopifyCustomerId?: string }
  // Needs Shopify's Admin API to map the email to a customer ID: the worker asks.
  | { kind: "awaiting-shopify"; email: string };

export interface ShopIdentitySetting {
  domain: string;
  identifyByCustomerId: boolean;
}

// The shop's email ↔ customer ID cache (fed by customers/* webhooks and earlier Admin API look-ups).
export interface CustomerCache {
  customerIdFor(email: string): Promise<string | null>;
  emailFor(customerId: string): Promise<string | null>;
}

export async function identifyLocally(
  shop: ShopIdentitySetting,
  customer: CustomerRef,
  cache: CustomerCache,
): Promise<Identity> {
  const email = customer.email ? normalizeEmail(customer.email) : undefined;
  const customerId = customer.shopifyCustomerId;

  if (shop.identifyByCustomerId) {
    const known = customerId ?? (email ? await cache.customerIdFor(email) : null);
    if (known) return byExternalId(known, { email, shopifyCustomerId: known });
    if (email) return { kind: "awaiting-shopify", email };
    return {
      kind: "unidentifiable",
      reason: "No Shopify customer ID or email address in the message: Braze cannot identify the user.",
    };
  }

  const knownEmail = email ?? (customerId ? await cache.emailFor(customerId) : null);
  if (knownEmail) return byExternalId(knownEmail, { email: knownEmail, shopifyCustomerId: customerId });
  return {
    kind: "unidentifiable",
    reason:
      "No email address for this customer, and users are identified by email (the Shopify Customer ID toggle is off).",
    shopifyCustomerId: customerId,
  };
}

// The worker's answer for a message that waited: Shopify knew the customer (external_id = their ID), or did not
// (Braze's email identifier, as Okendo's connector does for shoppers without an account). A failed look-up is not
// an answer: the caller retries later.
export function identifyWithShopify(email: string, lookup: Exclude<AdminLookup, { failed: string }>): Identity {
  if ("found" in lookup) return byExternalId(lookup.found, { email, shopifyCustomerId: lookup.found });
  return {
    kind: "identified",
    identifier: { email },
    identifierType: "email",
    customerKey: email,
    email,
    note: "No Shopify customer has this email; sent with Braze's email identifier.",
  };
}

function byExternalId(externalId: string, known: { email?: string; shopifyCustomerId?: string }): Identity {
  if (!externalIdFits(externalId)) {
    return {
      kind: "unidentifiable",
      reason: "The identifier is longer than Braze's 987-byte external_id limit.",
      ...known,
    };
  }
  return {
    kind: "identified",
    identifier: { external_id: externalId },
    identifierType: "external_id",
    customerKey: externalId,
    ...known,
  };
}
