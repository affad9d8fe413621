// Who a message is about, in Braze's terms, following the shop's "Use Shopify Customer ID" toggle.
// On: external_id = Shopify customer ID (from the payload, else the cache, else the Admin API); a customer
// Shopify does not know goes out with Braze's email identifier. Off: external_id = the normalized email.
// Never two primary identifiers on one object; no usable identifier → the message fails with that reason.
import type { CustomerRef } from "../catalog/types";
import { normalizeEmail } from "../catalog/types";
import type { BrazeIdentifier } from "../braze/objects";
import { externalIdFits } from "../braze/limits";
import { cachedCustomerIdFor, cachedEmailFor, lookUpCustomerByEmail } from "./shopify-customers.server";

export type Identity =
  | {
      ok: true;
      identifier: BrazeIdentifier;
      identifierType: "external_id" | "email";
      customerKey: string;
      email?: string;
      shopifyCustomerId?: string;
      note?: string;
    }
  | { ok: false; reason: string; email?: string; shopifyCustomerId?: string };

export async function resolveIdentity(
  shop: { domain: string; identifyByCustomerId: boolean },
  customer: CustomerRef,
): Promise<Identity> {
  const email = customer.email ? normalizeEmail(customer.email) : undefined;
  let customerId = customer.shopifyCustomerId;

  if (shop.identifyByCustomerId) {
    let note: string | undefined;
    if (!customerId && email) {
      customerId = await cachedCustomerIdFor(shop.domain, email);
      if (!customerId) {
        const lookup = await lookUpCustomerByEmail(shop.domain, email);
        if ("found" in lookup) customerId = lookup.found;
        else if ("failed" in lookup)
          note = `Shopify customer look-up failed (${lookup.failed}); sent with the email identifier.`;
      }
    }
    if (customerId) return byExternalId(customerId, { email, shopifyCustomerId: customerId });
    if (email) {
      return {
        ok: true,
        identifier: { email },
        identifierType: "email",
        customerKey: email,
        email,
        note: note ?? "No Shopify customer has this email; sent with Braze's email identifier.",
      };
    }
    return {
      ok: false,
      reason: "No Shopify customer ID or email address in the message: Braze cannot identify the user.",
    };
  }

  const knownEmail = email ?? (customerId ? await cachedEmailFor(shop.domain, customerId) : undefined);
  if (knownEmail) return byExternalId(knownEmail, { email: knownEmail, shopifyCustomerId: customerId });
  return {
    ok: false,
    reason:
      "No email address for this customer, and users are identified by email (the Shopify Customer ID toggle is off).",
    shopifyCustomerId: customerId,
  };
}

function byExternalId(externalId: string, known: { email?: string; shopifyCustomerId?: string }): Identity {
  if (!externalIdFits(externalId)) {
    return { ok: false, reason: "The identifier is longer than Braze's 987-byte external_id limit.", ...known };
  }
  return {
    ok: true,
    identifier: { external_id: externalId },
    identifierType: "external_id",
    customerKey: externalId,
    ...known,
  };
}
