// What the app remembers about a customer (review totals, loyalty tier, reviews seen) is kept under one key per
// customer and shop, whatever the shop's identification setting: the normalized email when there is one (Okendo's
// review and loyalty objects always carry it), else the Shopify customer ID.
import { normalizeEmail, type CustomerRef } from "../catalog/messages";

export function customerStateKey(customer: CustomerRef): string | undefined {
  if (customer.email) return normalizeEmail(customer.email);
  if (customer.shopifyCustomerId) return `shopify:${customer.shopifyCustomerId}`;
  return undefined;
}

// The keys a customer named by these emails and Shopify customer IDs may be remembered under (privacy requests).
export function customerStateKeys(who: { emails: string[]; customerIds: string[] }): string[] {
  return [...who.emails, ...who.customerIds.map((id) => `shopify:${id}`)];
}
