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
import type { Delivery } from "@prisma/client";
import prisma from "../db.server";
import type { NormalizedMessage } from "../catalog/messages";
import { enqueue, identify, isPending } from "../outbox/accept.server";
import { DeliveryKind, DeliveryStatus, RETRYABLE_STATUSES, RETRY_ALL_STATUSES } from "../outbox/delivery-status";
import { markReplayed, requeue } from "../outbox/transitions.server";
import { wakeDeliveryWorker } from "../outbox/wake.server";
import { interpretStored } from "../sources/stored";
import { store } from "../store/index.server";
import { sql, type Work } from "../store/unit-of-work";
import { STATUS_LABELS } from "./filters";

export type RetryResult =
  | { outcome: "queued" } // back in the queue as it was
  | { outcome: "replayed"; deliveries: number } // read again: new rows appended
  | { outcome: "unchanged"; reason: string }; // still cannot be sent, or cannot be retried; the reason says why

export interface RetryAllResult {
  queued: number;
  replayed: number; // rows replayed (each may have produced several new rows)
  unchanged: number;
}

export async function retryDelivery(shop: string, id: number): Promise<RetryResult | null> {
  const row = await prisma.delivery.findFirst({ where: { id, shop } });
  if (!row) return null;
  if (!(RETRYABLE_STATUSES as readonly string[]).includes(row.status)) {
    const label = STATUS_LABELS[row.status as DeliveryStatus] ?? row.status;
    return {
      outcome: "unchanged",
      reason: `This delivery is ${label.toLowerCase()}: only failed, dead-lettered and unmapped deliveries can be retried.`,
    };
  }
  if (row.kind === DeliveryKind.unmapped || row.identifierType === "none") return replay(shop, row);
  const count = await requeue(shop, id);
  if (count > 0) wakeDeliveryWorker();
  return count === 1 ? { outcome: "queued" } : { outcome: "unchanged", reason: "This delivery was retried already." };
}

// "Retry all failed": failed and dead-lettered rows. Unmapped messages are retried one at a time, after a mapping change.
export async function retryAllFailed(shop: string): Promise<RetryAllResult> {
  const queued = await requeue(shop);
  if (queued > 0) wakeDeliveryWorker();
  const unidentified = await prisma.delivery.findMany({
    where: {
      shop,
      status: { in: [...RETRY_ALL_STATUSES] },
      identifierType: "none",
      kind: { not: DeliveryKind.unmapped },
    },
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

async function keepWithReason(row: Delivery, reason: string): Promise<RetryResult> {
  await prisma.delivery.updateMany({
    where: { id: row.id, shop: row.shop, status: row.status },
    data: { lastError: reason },
  });
  return { outcome: "unchanged", reason };
}

// A row that never became a Braze object, read again: an unmapped message with today's mapping (a first reading:
// its reviews are folded and its events counted now), a message whose customer could not be identified with today's
// identification. The new rows join the same inbound message; the old row becomes "replayed".
async function replay(shopDomain: string, row: Delivery): Promise<RetryResult> {
  const [shop, inbound] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shopDomain } }),
    row.inboundId ? prisma.inboundMessage.findFirst({ where: { id: row.inboundId, shop: shopDomain } }) : null,
  ]);
  if (!shop || !inbound) {
    return { outcome: "unchanged", reason: "The message as received is no longer stored, so it cannot be read again." };
  }
  const unmapped = row.kind === DeliveryKind.unmapped;
  let messages: NormalizedMessage[];
  if (unmapped) {
    const interpretation = interpretStored(inbound);
    if (interpretation.kind === "invalid") {
      return keepWithReason(row, `Still not readable: ${interpretation.problems.join("; ")}`);
    }
    if (interpretation.kind === "unmapped") return keepWithReason(row, interpretation.reason);
    if (interpretation.messages.length === 0) return keepWithReason(row, "Read again, it holds nothing for Braze.");
    messages = interpretation.messages;
  } else {
    // Mapped already (review totals included); only the customer could not be identified.
    messages = [JSON.parse(row.payload) as NormalizedMessage];
  }

  const [identities, switchedOff] = await Promise.all([
    identify(shop, messages),
    store().run("switchedOffEvents", shopDomain),
  ]);
  const [first] = identities;
  if (!unmapped && first?.kind === "unidentifiable") return keepWithReason(row, first.reason);

  const reading = unmapped ? { shop: shopDomain, source: inbound.source, at: inbound.receivedAt } : null;
  const rows = await store().transact(
    replayWork(
      shopDomain,
      row,
      inbound.id,
      messages,
      { identities, switchedOff: new Set(switchedOff), firstReading: unmapped },
      reading,
    ),
  );
  if (rows === null) return { outcome: "unchanged", reason: "This delivery was retried already." };
  if (rows.some(isPending)) wakeDeliveryWorker();
  return { outcome: "replayed", deliveries: rows.length };
}

function* replayWork(
  shop: string,
  row: Delivery,
  inboundId: string,
  messages: NormalizedMessage[],
  prepared: Parameters<typeof enqueue>[3],
  reading: Parameters<typeof enqueue>[4],
): Work<ReturnType<typeof enqueue> extends Work<infer T> ? T | null : never> {
  // Claims the row: a second click (or a concurrent "Retry all") finds it replayed and creates nothing.
  if (!(yield* markReplayed(shop, row.id, row.status as DeliveryStatus))) return null;
  const rows = yield* enqueue(shop, inboundId, messages, prepared, reading);
  if (reading) yield* sql("markInboundMapped", shop, inboundId);
  return rows;
}

// A message's rows: its event, its attribute update and what retries added; more is not a message.
const MAX_RETRY_IDS = 20;

// The Activity page's retry buttons (list and detail): the form names the intent and the rows' ids.
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
    // One id (a delivery), or several (the rows of one message that did not reach Braze).
    const ids = form.getAll("id").map(Number);
    const valid = ids.length > 0 && ids.length <= MAX_RETRY_IDS && ids.every(Number.isSafeInteger);
    const results = valid ? await retryEach(shop, ids) : [];
    if (results.length === 0 || results.includes(null)) return { status: 404, ok: false, message: "No such delivery" };
    const [only] = results;
    if (results.length === 1 && only) return { status: 200, ...retryMessage(only) };
    const retried = results.filter((result) => result?.outcome !== "unchanged").length;
    return {
      status: 200,
      ok: retried > 0,
      message: `${retried} of ${results.length} deliveries retried`,
    };
  }
  return { status: 400, ok: false, message: `Unknown action "${String(intent)}"` };
}

async function retryEach(shop: string, ids: number[]): Promise<(RetryResult | null)[]> {
  const results: (RetryResult | null)[] = [];
  for (const id of ids) results.push(await retryDelivery(shop, id));
  return results;
}

function retryMessage(result: RetryResult): { ok: boolean; message: string } {
  if (result.outcome === "queued") return { ok: true, message: "Queued for delivery again" };
  if (result.outcome === "replayed") {
    return {
      ok: true,
      message: `Replayed as ${result.deliveries} new ${result.deliveries === 1 ? "delivery" : "deliveries"}`,
    };
  }
  return { ok: false, message: result.reason };
}
