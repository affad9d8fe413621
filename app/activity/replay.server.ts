// Trying again what did not reach Braze, when the merchant asks on the Activity page. A delivered row is never
// touched: nothing Braze accepted is sent twice.
//
// - A failed or dead-lettered Braze object goes back to the queue as it is: queued now, a fresh 24 h retry window
//   (firstAttemptAt cleared), its attempts kept as history. The worker sends it like any other row.
// - A row that never became a Braze object is replayed: an unmapped message is read again with today's mapping, a
//   message whose customer could not be identified is identified again. The new Braze objects are appended to the
//   same inbound message and the old row becomes "replayed". If it still cannot be mapped or identified, the row
//   stays as it is, with today's reason.
//
// Everything is keyed by the authenticated shop: a row of another shop is "not found".
import type { Delivery, InboundMessage, Prisma, Shop } from "@prisma/client";
import prisma from "../db.server";
import type { NormalizedMessage } from "../catalog/types";
import { resolveIdentity } from "../identity/resolve.server";
import { readOkendoBody, type OkendoReading } from "../okendo/ingest.server";
import { envelopeFromFlowRun, readFlowActionRun } from "../flow/send-okendo-event.server";
import { writeDeliveries } from "../outbox/accept.server";
import { wakeDeliveryWorker } from "../outbox/wake.server";
import { RETRY_ALL_STATUSES, RETRYABLE_STATUSES, STATUS_LABELS, type DeliveryStatus } from "./filters";

export type RetryResult =
  | { outcome: "queued" } // back in the queue as it was
  | { outcome: "replayed"; deliveries: number } // read again: new rows appended
  | { outcome: "unchanged"; reason: string }; // still cannot be sent, or cannot be retried; the reason says why

export interface RetryAllResult {
  queued: number;
  replayed: number; // rows replayed (each may have produced several new rows)
  unchanged: number;
}

// A failed or dead-lettered row that holds a real Braze object (not the message of an unidentified customer).
const requeueable = (shop: string): Prisma.DeliveryWhereInput => ({
  shop,
  status: { in: [...RETRY_ALL_STATUSES] },
  kind: { in: ["event", "attributes", "delete"] },
  identifierType: { not: "none" },
});

async function requeue(where: Prisma.DeliveryWhereInput): Promise<number> {
  const { count } = await prisma.delivery.updateMany({
    where,
    data: { status: "queued", nextAttemptAt: new Date(), firstAttemptAt: null },
  });
  if (count > 0) wakeDeliveryWorker();
  return count;
}

export async function retryDelivery(shop: string, id: number): Promise<RetryResult | null> {
  const row = await prisma.delivery.findFirst({ where: { id, shop } });
  if (!row) return null;
  if (!RETRYABLE_STATUSES.includes(row.status as DeliveryStatus)) {
    const label = STATUS_LABELS[row.status as DeliveryStatus] ?? row.status;
    return {
      outcome: "unchanged",
      reason: `This delivery is ${label.toLowerCase()}: only failed, dead-lettered and unmapped deliveries can be retried.`,
    };
  }
  if (row.kind === "unmapped" || row.identifierType === "none") return replay(shop, row);
  const count = await requeue({ AND: [requeueable(shop), { id }] });
  return count === 1 ? { outcome: "queued" } : { outcome: "unchanged", reason: "This delivery was retried already." };
}

// "Retry all failed": failed and dead-lettered rows. Unmapped messages are retried one at a time, after a mapping change.
export async function retryAllFailed(shop: string): Promise<RetryAllResult> {
  const queued = await requeue(requeueable(shop));
  const unidentified = await prisma.delivery.findMany({
    where: { shop, status: { in: [...RETRY_ALL_STATUSES] }, identifierType: "none", kind: { not: "unmapped" } },
    orderBy: { id: "asc" },
  });
  const result: RetryAllResult = { queued, replayed: 0, unchanged: 0 };
  for (const row of unidentified) {
    const outcome = await replay(shop, row);
    if (outcome.outcome === "replayed") result.replayed += 1;
    else result.unchanged += 1;
  }
  return result;
}

type Reading =
  | { ok: true; messages: NormalizedMessage[]; loyaltyTier?: { customer: NormalizedMessage["customer"]; tier: string } }
  | { ok: false; reason: string };

// The stored message read with today's mapping, as its ingress would read it now.
async function readAgain(shop: Shop, inbound: InboundMessage): Promise<Reading> {
  let body: unknown;
  try {
    body = JSON.parse(inbound.payload);
  } catch {
    return { ok: false, reason: "The stored message is not JSON." };
  }
  let reading: OkendoReading;
  if (inbound.source === "flow") {
    const run = readFlowActionRun(body);
    const built = run.ok ? envelopeFromFlowRun(run.run, inbound.receivedAt) : undefined;
    reading = !run.ok
      ? { kind: "invalid", problems: run.problems }
      : built?.ok
        ? { kind: "mapped", messages: [built.event] }
        : { kind: "invalid", problems: built?.problems ?? [] };
  } else {
    reading = await readOkendoBody(shop, body);
  }
  if (reading.kind === "invalid") return { ok: false, reason: `Still not readable: ${reading.problems.join("; ")}` };
  if (reading.kind === "unmapped") return { ok: false, reason: reading.reason };
  if (reading.messages.length === 0) return { ok: false, reason: "Read again, it holds nothing for Braze." };
  return { ok: true, messages: reading.messages, ...(reading.loyaltyTier ? { loyaltyTier: reading.loyaltyTier } : {}) };
}

async function keepWithReason(row: Delivery, reason: string): Promise<RetryResult> {
  await prisma.delivery.updateMany({
    where: { id: row.id, shop: row.shop, status: row.status },
    data: { lastError: reason },
  });
  return { outcome: "unchanged", reason };
}

async function replay(shopDomain: string, row: Delivery): Promise<RetryResult> {
  const [shop, inbound] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shopDomain } }),
    row.inboundId ? prisma.inboundMessage.findFirst({ where: { id: row.inboundId, shop: shopDomain } }) : null,
  ]);
  if (!shop || !inbound)
    return { outcome: "unchanged", reason: "The message as received is no longer stored, so it cannot be read again." };

  const unmapped = row.kind === "unmapped";
  let reading: Reading;
  if (unmapped) {
    reading = await readAgain(shop, inbound);
  } else {
    // Mapped already (review aggregates included); only the customer could not be identified.
    reading = { ok: true, messages: [JSON.parse(row.payload) as NormalizedMessage] };
  }
  if (!reading.ok) return keepWithReason(row, reading.reason);

  const { messages, loyaltyTier } = reading;
  const identities = await Promise.all(messages.map((message) => resolveIdentity(shop, message.customer)));
  const [first] = identities;
  if (!unmapped && first && !first.ok) return keepWithReason(row, first.reason);

  const created = await prisma.$transaction(async (tx) => {
    // Claims the row: a second click (or a concurrent "Retry all") finds it replayed and creates nothing.
    const claimed = await tx.delivery.updateMany({
      where: { id: row.id, shop: shopDomain, status: row.status },
      data: { status: "replayed" },
    });
    if (claimed.count !== 1) return null;
    // An unmapped message is read for the first time; a mapped one was already folded into the aggregates and counted.
    const rows = await writeDeliveries(
      tx,
      shopDomain,
      inbound.id,
      messages,
      identities,
      unmapped ? { receivedAt: inbound.receivedAt, loyaltyTier } : null,
    );
    if (unmapped) await tx.inboundMessage.update({ where: { id: inbound.id }, data: { status: "mapped", note: null } });
    return rows;
  });
  if (created === null) return { outcome: "unchanged", reason: "This delivery was retried already." };
  if (created.some((created) => created.status === "queued")) wakeDeliveryWorker();
  return { outcome: "replayed", deliveries: created.length };
}

// The Activity page's retry buttons (list and detail): the form names the intent and, for one row, its id.
export async function retryRequested(
  shop: string,
  form: FormData,
): Promise<{ status: number; ok: boolean; message: string }> {
  const intent = form.get("intent");
  if (intent === "retry-all") {
    const { queued, replayed, unchanged } = await retryAllFailed(shop);
    const retried = queued + replayed;
    if (retried === 0 && unchanged === 0) return { status: 200, ok: true, message: "Nothing to retry" };
    const message = `${retried} ${retried === 1 ? "delivery" : "deliveries"} retried`;
    return {
      status: 200,
      ok: retried > 0,
      message: unchanged > 0 ? `${message}; ${unchanged} still cannot be sent` : message,
    };
  }
  if (intent === "retry") {
    const id = Number(form.get("id"));
    const result = Number.isSafeInteger(id) ? await retryDelivery(shop, id) : null;
    if (!result) return { status: 404, ok: false, message: "No such delivery" };
    if (result.outcome === "queued") return { status: 200, ok: true, message: "Queued for delivery again" };
    if (result.outcome === "replayed") {
      return {
        status: 200,
        ok: true,
        message: `Replayed as ${result.deliveries} new ${result.deliveries === 1 ? "delivery" : "deliveries"}`,
      };
    }
    return { status: 200, ok: false, message: result.reason };
  }
  return { status: 400, ok: false, message: `Unknown action "${String(intent)}"` };
}
