// Accepting an inbound message — the one seam every source goes through (the Okendo ingress, Flow, test events,
// the activity log's replays, the Okendo API's imports and recoveries): the message and every Delivery row it
// becomes are written in one transaction before the sender is answered. Nothing is sent from here; the worker picks
// the rows up.
//
//   interpretation (app/sources) ─▶ identify locally (app/identity) ─▶ enrich (app/customers) ─▶ enqueue (rows)
import type { NormalizedMessage } from "../catalog/messages";
import { enrich, type Enriched, type Reading } from "../customers/enrich";
import {
  identifyLocally,
  type CustomerCache,
  type Identity,
  type ShopIdentitySetting,
} from "../identity/resolve.server";
import { utcDay } from "../settings/events.server";
import type { Interpretation } from "../sources/interpretation";
import { store } from "../store/index.server";
import type { NewDelivery } from "../store/statements";
import { sql, type Work } from "../store/unit-of-work";
import { DeliveryStatus } from "./delivery-status";
import { SWITCHED_OFF_NOTE, deliveryRows, unmappedRow } from "./enqueue";
import { wakeDeliveryWorker } from "./wake.server";

export type InboundSource = "okendo" | "sequences" | "flow" | "test" | "import" | "recovery";

export interface Inbound {
  shop: ShopIdentitySetting;
  source: InboundSource;
  topic?: string; // the Okendo topic the URL named, if any
  dedupeKey: string; // the sender's message id: a redelivery is a duplicate
  rawBody: string;
  receivedAt?: Date;
}

export type Accepted =
  | { status: "accepted"; deliveries: number }
  | { status: "unmapped" }
  | { status: "duplicate" }
  | { status: "invalid"; problems: string[] };

export interface AcceptOptions {
  // One identity for every message (test events go to the test user, whatever the shop's setting).
  identity?: Identity;
  // Count the events as received and enrich them (review totals, loyalty tier). Test events are neither.
  firstReading?: boolean;
}

export function customerCache(shop: string): CustomerCache {
  return {
    customerIdFor: (email) => store().run("cachedCustomerId", shop, email),
    emailFor: (customerId) => store().run("cachedEmail", shop, customerId),
  };
}

export async function identify(shop: ShopIdentitySetting, messages: NormalizedMessage[], fixed?: Identity) {
  const cache = customerCache(shop.domain);
  return Promise.all(messages.map((message) => fixed ?? identifyLocally(shop, message.customer, cache)));
}

export async function accept(
  inbound: Inbound,
  interpretation: Interpretation,
  options: AcceptOptions = {},
): Promise<Accepted> {
  if (interpretation.kind === "invalid") return { status: "invalid", problems: interpretation.problems };
  const messages = interpretation.kind === "mapped" ? interpretation.messages : [];
  const [identities, switchedOff] = await Promise.all([
    identify(inbound.shop, messages, options.identity),
    store().run("switchedOffEvents", inbound.shop.domain),
  ]);
  const receivedAt = inbound.receivedAt ?? new Date();
  const result = await store().transactGrouped(
    acceptWork(inbound, interpretation, receivedAt, {
      identities,
      switchedOff: new Set(switchedOff),
      firstReading: options.firstReading ?? true,
    }),
  );
  if (result.queued) wakeDeliveryWorker();
  return result.accepted;
}

interface Prepared {
  identities: Identity[];
  switchedOff: ReadonlySet<string>;
  firstReading: boolean;
}

function* acceptWork(
  inbound: Inbound,
  interpretation: Exclude<Interpretation, { kind: "invalid" }>,
  receivedAt: Date,
  prepared: Prepared,
): Work<{ accepted: Accepted; queued: boolean }> {
  const shop = inbound.shop.domain;
  const inboundId = yield* sql("insertInbound", {
    shop,
    source: inbound.source,
    topic: inbound.topic ?? null,
    dedupeKey: inbound.dedupeKey,
    payload: inbound.rawBody,
    receivedAt,
    status: interpretation.kind,
    note: interpretation.kind === "unmapped" ? interpretation.reason : null,
  });
  if (!inboundId) return { accepted: { status: "duplicate" }, queued: false };
  if (inbound.topic) yield* sql("touchSubscription", shop, inbound.topic, receivedAt);
  if (interpretation.kind === "unmapped") {
    yield* sql("insertDeliveries", [unmappedRow(shop, inboundId, interpretation.reason)]);
    return { accepted: { status: "unmapped" }, queued: false };
  }
  const reading = prepared.firstReading ? { shop, source: inbound.source, at: receivedAt } : null;
  const rows = yield* enqueue(shop, inboundId, interpretation.messages, prepared, reading);
  return { accepted: { status: "accepted", deliveries: rows.length }, queued: rows.some(isPending) };
}

// Enriches (on a first reading), counts and writes the rows of a message's catalog messages. Shared with replays.
export function* enqueue(
  shop: string,
  inboundId: string,
  messages: NormalizedMessage[],
  prepared: Prepared,
  reading: Reading | null,
): Work<NewDelivery[]> {
  const enriched: Enriched[] = reading ? yield* enrich(messages, reading) : messages.map((message) => ({ message }));
  const rows = enriched.flatMap(({ message, withheld }, index) => {
    const switchedOff = message.kind === "event" && prepared.switchedOff.has(message.name);
    return deliveryRows(
      shop,
      inboundId,
      message,
      prepared.identities[index]!,
      withheld ?? (switchedOff ? SWITCHED_OFF_NOTE : null),
    );
  });
  if (reading) {
    const counts = new Map<string, number>();
    for (const { message, withheld } of enriched) {
      if (message.kind === "event" && !withheld) counts.set(message.name, (counts.get(message.name) ?? 0) + 1);
    }
    if (counts.size > 0) yield* sql("countEvents", shop, [...counts], utcDay(reading.at), reading.at);
  }
  yield* sql("insertDeliveries", rows);
  return rows;
}

export const isPending = (row: NewDelivery) =>
  row.status === DeliveryStatus.queued || row.status === DeliveryStatus.waitingIdentity;
