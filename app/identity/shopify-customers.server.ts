// The per-shop email ↔ Shopify customer ID cache, fed by customers/* webhooks and Admin API look-ups.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { normalizeEmail } from "../catalog/messages";
import { unauthenticated } from "../shopify.server";

type Db = Prisma.TransactionClient | typeof prisma;

export async function rememberCustomer(db: Db, shop: string, customerId: string, email: string | null | undefined) {
  const normalized = email ? normalizeEmail(email) : null;
  await db.shopifyCustomer.upsert({
    where: { shop_customerId: { shop, customerId } },
    create: { shop, customerId, email: normalized },
    update: { email: normalized },
  });
}

export async function forgetCustomer(db: Db, shop: string, customerId: string) {
  await db.shopifyCustomer.deleteMany({ where: { shop, customerId } });
}

export type AdminLookup = { found: string } | { notFound: true } | { failed: string };

// Asks Shopify (with the shop's offline session) for the customer with this email, and caches the answer. Shopify's
// customer search matches loosely (tokens, prefixes), so only a customer whose email is exactly the one asked for
// counts; an answer with GraphQL errors (throttled, no access) is a failure to retry, never "no such customer".
export async function lookUpCustomerByEmail(shop: string, email: string): Promise<AdminLookup> {
  try {
    const { admin } = await unauthenticated.admin(shop);
    const response = await admin.graphql(
      `#graphql
      query CustomerByEmail($query: String!) { customers(first: 10, query: $query) { nodes { id email } } }`,
      { variables: { query: `email:"${email.replace(/["\\]/g, "")}"` } },
    );
    const body = (await response.json()) as {
      data?: { customers?: { nodes?: { id: string; email: string | null }[] } };
      errors?: unknown;
    };
    const nodes = body.data?.customers?.nodes;
    if (body.errors || !nodes)
      return { failed: `Shopify answered without customers (${JSON.stringify(body.errors ?? body)})` };
    const wanted = normalizeEmail(email);
    const node = nodes.find((candidate) => candidate.email && normalizeEmail(candidate.email) === wanted);
    if (!node) return { notFound: true };
    const customerId = node.id.split("/").pop()!;
    await rememberCustomer(prisma, shop, customerId, wanted);
    return { found: customerId };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}
