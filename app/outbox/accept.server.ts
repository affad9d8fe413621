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

      const rows = await writeDeliveries(tx, inbound.shop.domain, message.id, messages, identities, {
        receivedAt: message.receivedAt,
        loyaltyTier: interpretation.loyaltyTier,
      });
      return rows.length;
    });
    if (deliveries > 0) wakeDeliveryWorker();
    return interpretation.kind === "unmapped" ? { status: "unmapped" } : { status: "accepted", deliveries };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { status: "duplicate" };
    throw error;
  }
}

// Writes the Braze rows for messages of one inbound message, inside its transaction: switched-off events are stored
// as skipped. `firstReading` is set the first time the messages are accepted (by the ingress, or by a replay of an
// unmapped message): only then are reviews folded into the aggregates, the event counted and the loyalty tier
// remembered, so a replay never counts anything twice.
export async function writeDeliveries(
  tx: Tx,
  shop: string,
  inboundId: string,
  messages: NormalizedMessage[],
  identities: Identity[],
  firstReading: { receivedAt: Date; loyaltyTier?: { customer: CustomerRef; tier: string } } | null,
): Promise<Prisma.DeliveryCreateManyInput[]> {
  const switchedOff = await switchedOffEvents(tx, shop);
  const rows: Prisma.DeliveryCreateManyInput[] = [];
  for (const [index, message] of messages.entries()) {
    const withAggregates = firstReading ? await foldReviewAggregates(tx, shop, message) : message;
    const made = deliveryRows(shop, inboundId, withAggregates, identities[index]!);
    rows.push(...(message.kind === "event" && switchedOff.has(message.name) ? made.map(asSkipped) : made));
  }
  if (firstReading) {
    const eventNames = messages.flatMap((message) => (message.kind === "event" ? [message.name] : []));
    await countReceivedEvents(tx, shop, eventNames, firstReading.receivedAt);
    const { loyaltyTier } = firstReading;
    if (loyaltyTier) await rememberLoyaltyTier(tx, shop, loyaltyTier.customer, loyaltyTier.tier);
  }
  await tx.delivery.createMany({ data: rows });
  return rows;
}

function deliveryRows(
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
function asSkipped(row: Prisma.DeliveryCreateManyInput): Prisma.DeliveryCreateManyInput {
  const note = [
    "Not sent: this event is switched off in Settings.",
    row.status === "failed" ? row.lastError : row.note,
  ];
  return { ...row, status: "skipped", lastError: null, note: note.filter(Boolean).join(" ") };
}

// Okendo sends a review, not the customer's running average: fold each accepted review into what this shop
// has seen. Runs inside the accepting transaction, so a redelivered review is never counted twice.
async function foldReviewAggregates(tx: Tx, shop: string, message: NormalizedMessage): Promise<NormalizedMessage> {
  if (message.kind !== "event" || message.name !== "Okendo Review Created") return message;
  const rating = message.properties.rating;
  const customerKey = customerStateKey(message.customer);
  if (typeof rating !== "number" || !customerKey) return message;

  const key = { shop_customerKey: { shop, customerKey } };
  const state = await tx.customerState.findUnique({ where: key });
  const previous = state?.reviewStats ? (JSON.parse(state.reviewStats) as ReviewStats) : undefined;
  const sentiment =
    typeof message.properties.overall_sentiment === "string" ? message.properties.overall_sentiment : undefined;
  const { stats, attributes } = nextReviewStats(previous, { rating, sentiment });
  const reviewStats = JSON.stringify(stats);
  await tx.customerState.upsert({ where: key, create: { shop, customerKey, reviewStats }, update: { reviewStats } });
  return { ...message, attributes: { ...message.attributes, ...attributes } };
}

async function rememberLoyaltyTier(tx: Tx, shop: string, customer: CustomerRef, loyaltyTier: string) {
  const customerKey = customerStateKey(customer);
  if (!customerKey) return;
  await tx.customerState.upsert({
    where: { shop_customerKey: { shop, customerKey } },
    create: { shop, customerKey, loyaltyTier },
    update: { loyaltyTier },
  });
}
