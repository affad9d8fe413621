// Accepting an inbound message: the message and every Braze object it produces are written in one
// transaction, before the ingress answers 2xx. Nothing is sent from here; the worker picks the rows up.
import { Prisma, type Shop } from "@prisma/client";
import prisma from "../db.server";
import type { CustomerRef, NormalizedMessage } from "../catalog/types";
import { normalizeEmail } from "../catalog/types";
import { nextReviewStats, type ReviewStats } from "../catalog/catalog";
import { toBrazeObjects } from "../braze/objects";
import { resolveIdentity, type Identity } from "../identity/resolve.server";
import { countReceivedEvents, switchedOffEvents } from "../settings/events.server";
import { wakeDeliveryWorker } from "./wake.server";

export interface Inbound {
  shop: Shop;
  source: "okendo" | "flow";
  dedupeKey: string;
  rawBody: string;
}

export type Interpretation =
  | { kind: "mapped"; messages: NormalizedMessage[]; loyaltyTier?: { customer: CustomerRef; tier: string } }
  | { kind: "unmapped"; reason: string };

export type Accepted = { status: "accepted"; deliveries: number } | { status: "unmapped" } | { status: "duplicate" };

type Tx = Prisma.TransactionClient;

export async function alreadyAccepted(inbound: Inbound): Promise<boolean> {
  const { shop, source, dedupeKey } = inbound;
  const found = await prisma.inboundMessage.findUnique({
    where: { shop_source_dedupeKey: { shop: shop.domain, source, dedupeKey } },
    select: { id: true },
  });
  return found !== null;
}

// Review aggregates and loyalty tiers are remembered per customer under one key, whatever the identity mode.
export function customerStateKey(customer: CustomerRef): string | undefined {
  if (customer.email) return normalizeEmail(customer.email);
  if (customer.shopifyCustomerId) return `shopify:${customer.shopifyCustomerId}`;
  return undefined;
}

export async function rememberedLoyaltyTier(shop: string, customer: CustomerRef): Promise<string | undefined> {
  const customerKey = customerStateKey(customer);
  if (!customerKey) return undefined;
  const state = await prisma.customerState.findUnique({ where: { shop_customerKey: { shop, customerKey } } });
  return state?.loyaltyTier ?? undefined;
}

export async function accept(inbound: Inbound, interpretation: Interpretation): Promise<Accepted> {
  // Identity may ask Shopify's Admin API: done before the transaction so no write lock waits on the network.
  const messages = interpretation.kind === "mapped" ? interpretation.messages : [];
  const identities = await Promise.all(messages.map((message) => resolveIdentity(inbound.shop, message.customer)));

  try {
    const deliveries = await prisma.$transaction(async (tx) => {
      const message = await tx.inboundMessage.create({
        data: {
          shop: inbound.shop.domain,
          source: inbound.source,
          dedupeKey: inbound.dedupeKey,
          payload: inbound.rawBody,
          status: interpretation.kind,
          note: interpretation.kind === "unmapped" ? interpretation.reason : null,
        },
      });
      if (interpretation.kind === "unmapped") {
        // Shown in the activity log like any delivery, never picked up by the worker; retryable after a mapping change.
        await tx.delivery.create({
          data: {
            shop: inbound.shop.domain,
            inboundId: message.id,
            kind: "unmapped",
            identifierType: "none",
            customerKey: "",
            payload: "null",
            status: "unmapped",
            lastError: interpretation.reason,
          },
        });
        return 0;
      }

      const rows: Prisma.DeliveryCreateManyInput[] = [];
      const switchedOff = await switchedOffEvents(tx, inbound.shop.domain);
      for (const [index, normalized] of messages.entries()) {
        const withAggregates = await foldReviewAggregates(tx, inbound.shop.domain, normalized);
        const made = deliveryRows(inbound.shop.domain, message.id, withAggregates, identities[index]!);
        rows.push(...(normalized.kind === "event" && switchedOff.has(normalized.name) ? made.map(asSkipped) : made));
      }
      const eventNames = messages.flatMap((normalized) => (normalized.kind === "event" ? [normalized.name] : []));
      await countReceivedEvents(tx, inbound.shop.domain, eventNames, message.receivedAt);
      if (interpretation.loyaltyTier) {
        await rememberLoyaltyTier(tx, inbound.shop.domain, interpretation.loyaltyTier.customer, interpretation.loyaltyTier.tier);
      }
      await tx.delivery.createMany({ data: rows });
      return rows.length;
    });
    if (deliveries > 0) wakeDeliveryWorker();
    return interpretation.kind === "unmapped" ? { status: "unmapped" } : { status: "accepted", deliveries };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { status: "duplicate" };
    throw error;
  }
}

export function deliveryRows(
  shop: string,
  inboundId: string,
  message: NormalizedMessage,
  identity: Identity,
): Prisma.DeliveryCreateManyInput[] {
  const eventName = message.kind === "event" ? message.name : null;
  if (!identity.ok) {
    return [
      {
        shop,
        inboundId,
        kind: message.kind === "event" ? "event" : "attributes",
        eventName,
        identifierType: "none",
        customerKey: "",
        customerEmail: identity.email ?? null,
        shopifyCustomerId: identity.shopifyCustomerId ?? null,
        payload: JSON.stringify(message),
        status: "failed",
        lastError: identity.reason,
      },
    ];
  }
  const { objects, adjustments } = toBrazeObjects(message, identity.identifier);
  const note = [identity.note, ...adjustments].filter(Boolean).join(" ") || null;
  return objects.map(({ type, object }) => ({
    shop,
    inboundId,
    kind: type,
    eventName,
    identifierType: identity.identifierType,
    customerKey: identity.customerKey,
    customerEmail: identity.email ?? null,
    shopifyCustomerId: identity.shopifyCustomerId ?? null,
    payload: JSON.stringify(object),
    note,
    status: "queued",
  }));
}

// The merchant switched the event off on the Events card: stored and visible in the activity log, never sent.
export function asSkipped(row: Prisma.DeliveryCreateManyInput): Prisma.DeliveryCreateManyInput {
  const note = ["Not sent: this event is switched off in Settings.", row.status === "failed" ? row.lastError : row.note];
  return { ...row, status: "skipped", lastError: null, note: note.filter(Boolean).join(" ") };
}

// Okendo sends a review, not the customer's running average: fold each accepted review into what this shop
// has seen. Runs inside the accepting transaction, so a redelivered review is never counted twice.
export async function foldReviewAggregates(tx: Tx, shop: string, message: NormalizedMessage): Promise<NormalizedMessage> {
  if (message.kind !== "event" || message.name !== "Okendo Review Created") return message;
  const rating = message.properties.rating;
  const customerKey = customerStateKey(message.customer);
  if (typeof rating !== "number" || !customerKey) return message;

  const key = { shop_customerKey: { shop, customerKey } };
  const state = await tx.customerState.findUnique({ where: key });
  const previous = state?.reviewStats ? (JSON.parse(state.reviewStats) as ReviewStats) : undefined;
  const sentiment = typeof message.properties.overall_sentiment === "string" ? message.properties.overall_sentiment : undefined;
  const { stats, attributes } = nextReviewStats(previous, { rating, sentiment });
  const reviewStats = JSON.stringify(stats);
  await tx.customerState.upsert({ where: key, create: { shop, customerKey, reviewStats }, update: { reviewStats } });
  return { ...message, attributes: { ...message.attributes, ...attributes } };
}

export async function rememberLoyaltyTier(tx: Tx, shop: string, customer: CustomerRef, loyaltyTier: string) {
  const customerKey = customerStateKey(customer);
  if (!customerKey) return;
  await tx.customerState.upsert({
    where: { shop_customerKey: { shop, customerKey } },
    create: { shop, customerKey, loyaltyTier },
    update: { loyaltyTier },
  });
}
