// Effects of Shopify's app and privacy webhooks. Each delivery is applied once: a redelivery (same event id)
// finds its receipt and changes nothing.
import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { withoutCredentials } from "../settings/braze-connection.server";

type Tx = Prisma.TransactionClient;

export interface ShopifyWebhook {
  shop: string;
  topic: string;
  eventId: string;
  payload: unknown;
}

export async function applyOnce(webhook: ShopifyWebhook, effect: (tx: Tx) => Promise<void>): Promise<"applied" | "duplicate"> {
  try {
    await prisma.$transaction(async (tx) => {
      await tx.shopifyWebhookReceipt.create({
        data: { eventId: webhook.eventId, shop: webhook.shop, topic: webhook.topic },
      });
      await effect(tx);
    });
    return "applied";
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return "duplicate";
    throw error;
  }
}

// The merchant removed the app: forget its sessions and Braze key so nothing is forwarded any more.
export async function appUninstalled(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.updateMany({ where: { domain: shop }, data: withoutCredentials });
}

export async function scopesUpdated(tx: Tx, shop: string, payload: unknown) {
  const current = (payload as { current?: unknown }).current;
  if (!Array.isArray(current)) return;
  await tx.session.updateMany({ where: { shop }, data: { scope: current.map(String).join(",") } });
}

// 48 hours after uninstall Shopify asks us to remove everything we hold for the shop.
export async function shopRedacted(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.privacyRequest.deleteMany({ where: { shop } });
  await tx.shop.deleteMany({ where: { domain: shop } });
  await tx.shopifyWebhookReceipt.deleteMany({ where: { shop, NOT: { topic: "SHOP_REDACT" } } });
}

interface CustomerPrivacyPayload {
  customer?: { id?: number | string; email?: string };
  orders_requested?: unknown;
  orders_to_redact?: unknown;
}

// The app keeps no per-customer data yet (it forwards events; it does not store customers), so the report
// says so. The pipeline adds what it stores here.
export async function customerDataRequested(tx: Tx, shop: string, payload: unknown) {
  const customer = (payload as CustomerPrivacyPayload).customer ?? {};
  await tx.privacyRequest.create({
    data: {
      shop,
      topic: "customers/data_request",
      customerId: customer.id === undefined ? null : String(customer.id),
      email: customer.email ?? null,
      outcome: JSON.stringify({ stored: [] }),
    },
  });
}

export async function customerRedacted(tx: Tx, shop: string, payload: unknown) {
  const customer = (payload as CustomerPrivacyPayload).customer ?? {};
  await tx.privacyRequest.create({
    data: {
      shop,
      topic: "customers/redact",
      customerId: customer.id === undefined ? null : String(customer.id),
      email: null, // the request is kept as proof of handling, without the address we were asked to forget
      outcome: JSON.stringify({ removed: [] }),
    },
  });
}
