// Effects of Shopify's app and privacy webhooks. Each delivery is applied once: a redelivery (same event id)
// finds its receipt and changes nothing.
import type { Prisma } from "@prisma/client";
import { InvalidShopError } from "@shopify/shopify-api";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
import { withoutCredentials } from "../settings/braze-connection.server";
import { cancelUnsent } from "../outbox/transitions.server";
import { customerDataReport, redactCustomer, subjectOf } from "../privacy/customer-data.server";

type Tx = Prisma.TransactionClient;

export interface ShopifyWebhook {
  shop: string;
  topic: string;
  eventId: string;
  payload: unknown;
}

// Verifies the HMAC (401 when wrong) and Shopify's headers (400 when missing or not a shop domain).
export async function receiveShopifyWebhook(request: Request): Promise<ShopifyWebhook> {
  try {
    const { shop, topic, webhookId, eventId, payload } = await authenticate.webhook(request);
    // X-Shopify-Event-Id is the same for every delivery of one event; older deliveries only carry a webhook id.
    return { shop, topic, eventId: eventId ?? webhookId, payload };
  } catch (error) {
    if (error instanceof InvalidShopError) {
      throw new Response("X-Shopify-Shop-Domain is not a myshopify.com domain.", { status: 400 });
    }
    throw error;
  }
}

// Shopify only POSTs to webhook URLs.
export function webhookMethodNotAllowed() {
  return new Response(null, { status: 405, headers: { allow: "POST" } });
}

// The receipt is written with INSERT … ON CONFLICT DO NOTHING, which both databases answer with a row count: a
// redelivery is recognised without an error (an error's class differs between the two Prisma clients, and on Postgres
// it would also abort the transaction).
export async function applyOnce(
  webhook: ShopifyWebhook,
  effect: (tx: Tx) => Promise<void>,
): Promise<"applied" | "duplicate"> {
  return prisma.$transaction(
    async (tx) => {
      const recorded = await tx.$executeRaw`
        INSERT INTO "ShopifyWebhookReceipt" ("shop", "eventId", "topic", "receivedAt")
        VALUES (${webhook.shop}, ${webhook.eventId}, ${webhook.topic}, ${new Date()})
        ON CONFLICT ("shop", "eventId") DO NOTHING`;
      if (recorded === 0) return "duplicate";
      await effect(tx);
      return "applied";
    },
    { timeout: 30_000 }, // a redaction of a busy customer can take longer than Prisma's 5 s default
  );
}

// The merchant removed the app: forget its sessions and Braze key, cancel what was not sent yet, and close the shop's
// ingress — its Okendo and Flow URLs answer 410 and store nothing from now on. A reinstall starts afresh, with a new
// URL and signing secret (ensureShop). Everything else goes when Shopify's shop/redact arrives, 48 hours later.
export async function appUninstalled(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.updateMany({ where: { domain: shop }, data: { ...withoutCredentials, uninstalledAt: new Date() } });
  await cancelUnsent(tx, shop, "Not sent: the shop uninstalled the app.");
}

export async function scopesUpdated(tx: Tx, shop: string, payload: unknown) {
  const current = (payload as { current?: unknown }).current;
  if (!Array.isArray(current)) return;
  await tx.session.updateMany({ where: { shop }, data: { scope: current.map(String).join(",") } });
}

// 48 hours after uninstall Shopify asks us to remove everything we hold for the shop. Deliveries also cascade from
// the shop row; they are named here so the list is complete on its face.
export async function shopRedacted(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.privacyRequest.deleteMany({ where: { shop } });
  await tx.delivery.deleteMany({ where: { shop } });
  await tx.inboundMessage.deleteMany({ where: { shop } });
  await tx.shopifyCustomer.deleteMany({ where: { shop } });
  await tx.customerState.deleteMany({ where: { shop } });
  await tx.customerReviewSentiment.deleteMany({ where: { shop } });
  await tx.knownReview.deleteMany({ where: { shop } });
  await tx.eventSetting.deleteMany({ where: { shop } });
  await tx.eventDailyCount.deleteMany({ where: { shop } });
  await tx.shop.deleteMany({ where: { domain: shop } });
  await tx.shopifyWebhookReceipt.deleteMany({ where: { shop, NOT: { topic: "SHOP_REDACT" } } });
}

interface CustomerPrivacyPayload {
  customer?: { id?: number | string; email?: string };
}

const requestedCustomerId = (payload: unknown) => {
  const id = (payload as CustomerPrivacyPayload | null)?.customer?.id;
  return id === undefined || id === null ? null : String(id);
};

// The report of what the app stores about the customer (app/privacy), kept for the merchant to hand over.
export async function customerDataRequested(tx: Tx, shop: string, payload: unknown) {
  const report = await customerDataReport(tx, shop, subjectOf(payload));
  const email = (payload as CustomerPrivacyPayload | null)?.customer?.email;
  await tx.privacyRequest.create({
    data: {
      shop,
      topic: "customers/data_request",
      customerId: requestedCustomerId(payload),
      email: typeof email === "string" ? email : null,
      outcome: JSON.stringify(report),
    },
  });
}

// Erases the customer here and queues their deletion in Braze (app/privacy). The request is kept as proof of
// handling, without the address we were asked to forget: the outcome says what was removed and sent, in counts.
export async function customerRedacted(tx: Tx, shop: string, payload: unknown) {
  const connection = await tx.shop.findUnique({ where: { domain: shop }, select: { connectionStatus: true } });
  const outcome = await redactCustomer(tx, shop, subjectOf(payload), {
    connected: connection?.connectionStatus === "connected",
  });
  await tx.privacyRequest.create({
    data: {
      shop,
      topic: "customers/redact",
      customerId: requestedCustomerId(payload),
      email: null,
      outcome: JSON.stringify(outcome),
    },
  });
}
