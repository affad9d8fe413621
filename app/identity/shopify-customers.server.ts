// The per-shop email ↔ Shopify customer ID cache, fed by customers/* webhooks and Admin API look-ups.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { normalizeEmail } from "../catalog/types";
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

export async function cachedCustomerIdFor(shop: string, email: string): Promise<string | undefined> {
  const row = await prisma.shopifyCustomer.findFirst({ where: { shop, email }, select: { customerId: true } });
  return row?.customerId;
}

export async function cachedEmailFor(shop: string, customerId: string): Promise<string | undefined> {
  const row = await prisma.shopifyCustomer.findUnique({
    where: { shop_customerId: { shop, customerId } },
    select: { email: true },
  });
  return row?.email ?? undefined;
}

export type AdminLookup = { found: string } | { notFound: true } | { failed: string };

// Asks Shopify (with the shop's offline session) for the customer with this email, and caches the answer.
export async function lookUpCustomerByEmail(shop: string, email: string): Promise<AdminLookup> {
  try {
    const { admin } = await unauthenticated.admin(shop);
    const response = await admin.graphql(
      `#graphql
      query CustomerByEmail($query: String!) { customers(first: 1, query: $query) { nodes { id email } } }`,
      { variables: { query: `email:"${email.replace(/"/g, "")}"` } },
    );
    const body = (await response.json()) as {
      data?: { customers?: { nodes?: { id: string; email: string | null }[] } };
    };
    const node = body.data?.customers?.nodes?.[0];
    if (!node) return { notFound: true };
    const customerId = node.id.split("/").pop()!;
    await rememberCustomer(prisma, shop, customerId, node.email ?? email);
    return { found: customerId };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}
