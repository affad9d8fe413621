// Shopify's customers/create, customers/update and customers/delete webhooks keep the per-shop email ↔ customer ID
// cache that identity resolution reads (app/identity). They are not forwarded to Braze as events.
import type { Prisma } from "@prisma/client";
import { normalizeEmail, normalizeShopifyCustomerId } from "../catalog/messages";
import { forgetCustomer, rememberCustomer } from "../identity/shopify-customers.server";

type Tx = Prisma.TransactionClient;

// The REST-style customer payload: only what the cache needs.
interface CustomerPayload {
  id?: unknown;
  email?: unknown;
}

function customerIdOf(payload: unknown): string | undefined {
  return normalizeShopifyCustomerId((payload as CustomerPayload | null)?.id);
}

// customers/create and customers/update: the customer's current email (or none). An address belongs to one customer
// of a shop at a time, so a customer who takes over an address takes it from whoever had it in the cache.
export async function customerSaved(tx: Tx, shop: string, payload: unknown) {
  const customerId = customerIdOf(payload);
  if (!customerId) return;
  const rawEmail = (payload as CustomerPayload).email;
  const email = typeof rawEmail === "string" && rawEmail.trim() !== "" ? normalizeEmail(rawEmail) : null;
  if (email) {
    await tx.shopifyCustomer.updateMany({ where: { shop, email, NOT: { customerId } }, data: { email: null } });
  }
  await rememberCustomer(tx, shop, customerId, email);
}

// customers/delete carries the ID only.
export async function customerDeleted(tx: Tx, shop: string, payload: unknown) {
  const customerId = customerIdOf(payload);
  if (!customerId) return;
  await forgetCustomer(tx, shop, customerId);
}
