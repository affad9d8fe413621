// Every transition of the Delivery state machine after a row was enqueued (enqueue.ts), by name, in the manner of
// graphile-worker's src/sql/*Jobs.ts. The worker's run on the hot-path store (app/store), fenced by its turn's
// lease; the merchant's and Shopify's run through Prisma (inside a Shopify webhook's transaction where there is one).
// See delivery-status.ts for the states.
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { store } from "../store/index.server";
import { withIdentifier } from "../braze/objects";
import type { Identity } from "../identity/resolve.server";
import type { DueDelivery, RetryOutcome } from "../store/statements";
import { sql, type Work } from "../store/unit-of-work";
import {
  DeliveryKind,
  DeliveryStatus,
  PENDING_STATUSES,
  PRUNABLE_STATUSES,
  RETRY_ALL_STATUSES,
} from "./delivery-status";

// The worker's turn at a shop: its writes count only while it still holds the shop's lease.
export interface Fence {
  shop: string;
  workerId: string;
}

// --- the worker (hot path) ----------------------------------------------------------------------

// deliver: Braze accepted the objects.
export function deliver(fence: Fence, ids: number[], response: string): Promise<number> {
  return store().run("recordDelivered", fence.shop, fence.workerId, ids, DeliveryStatus.delivered, response);
}

// fail: Braze refused these objects for good (a 400, or an object named in a partial success's errors).
export function fail(fence: Fence, refused: Array<{ id: number; reason: string }>, response: string | null) {
  return store().run("recordRefused", fence.shop, fence.workerId, refused, DeliveryStatus.failed, response);
}

// retry / dead-letter: a transient failure; tried again after the backoff, or given up after the retry window.
export function retryLater(fence: Fence, outcomes: RetryOutcome[]): Promise<number> {
  return store().run(
    "recordRetries",
    fence.shop,
    fence.workerId,
    outcomes,
    DeliveryStatus.retrying,
    DeliveryStatus.deadLetter,
  );
}

// A failed Shopify look-up keeps the message waiting for its identity (or dead-letters it after the retry window).
export function retryIdentityLater(fence: Fence, outcome: RetryOutcome): Promise<number> {
  return store().run(
    "recordRetries",
    fence.shop,
    fence.workerId,
    [outcome],
    DeliveryStatus.waitingIdentity,
    DeliveryStatus.deadLetter,
  );
}

// identify: a row that waited for its identifier gets it and goes to the queue (an attribute object left with
// nothing but the identifier is dropped: see withIdentifier). Only while it is still waiting.
export async function identify(
  shop: string,
  row: Pick<DueDelivery, "id" | "kind" | "payload" | "note">,
  identity: Extract<Identity, { kind: "identified" }>,
): Promise<boolean> {
  const object = withIdentifier(row.kind as "event" | "attributes", JSON.parse(row.payload), identity.identifier);
  if (!object) return store().transact(sql("takeDelivery", shop, row.id, DeliveryStatus.waitingIdentity));
  return store().run("identifyDelivery", shop, row.id, DeliveryStatus.waitingIdentity, {
    identifierType: identity.identifierType,
    customerKey: identity.customerKey,
    shopifyCustomerId: identity.shopifyCustomerId ?? null,
    payload: JSON.stringify(object),
    note: [row.note, identity.note].filter(Boolean).join(" ") || null,
    status: DeliveryStatus.queued,
  });
}

// --- the merchant (Activity page) ----------------------------------------------------------------

// requeue: failed or dead-lettered Braze objects go back to the queue as they are, with a fresh retry window
// (firstAttemptAt cleared) and their attempts kept as history. Never a delivered row.
export async function requeue(shop: string, id?: number): Promise<number> {
  const { count } = await prisma.delivery.updateMany({
    where: {
      shop,
      ...(id === undefined ? {} : { id }),
      status: { in: [...RETRY_ALL_STATUSES] },
      kind: { in: [DeliveryKind.event, DeliveryKind.attributes, DeliveryKind.delete] },
      identifierType: { not: "none" },
    },
    data: { status: DeliveryStatus.queued, nextAttemptAt: new Date(), firstAttemptAt: null },
  });
  return count;
}

// replay, first half (inside the replay's unit of work): the row read again is marked replayed; its new rows follow.
// False when something else replayed it first (a second click, a concurrent "Retry all").
export function* markReplayed(shop: string, id: number, from: DeliveryStatus): Work<boolean> {
  return yield* sql("moveDelivery", shop, id, from, DeliveryStatus.replayed);
}

// --- Shopify (app/uninstalled, customers/redact) --------------------------------------------------

type Tx = Prisma.TransactionClient;

// cancel: the shop uninstalled the app; what was not sent yet never will be. Kept, visible, as cancelled.
export async function cancelUnsent(tx: Tx, shop: string, reason: string): Promise<number> {
  const { count } = await tx.delivery.updateMany({
    where: { shop, status: { in: [...PENDING_STATUSES] } },
    data: { status: DeliveryStatus.cancelled, lastError: reason },
  });
  return count;
}

// The erasure in Braze that customers/redact asks for: a /users/delete the worker sends before the shop's other rows.
export function enqueueUserDeletion(
  tx: Tx,
  row: { shop: string; customerKey: string; shopifyCustomerId: string | null; payload: string; identifierType: string },
) {
  return tx.delivery.create({
    data: {
      ...row,
      kind: DeliveryKind.delete,
      customerEmail: null,
      note: "Erasure requested by Shopify (customers/redact).",
      status: DeliveryStatus.queued,
    },
    select: { id: true },
  });
}

// --- retention -------------------------------------------------------------------------------------

// prune: finished rows older than the retention window, in one bounded chunk; see retention.server.ts.
export async function pruneFinished(olderThan: Date, chunkSize: number) {
  const prunable = { status: { in: [...PRUNABLE_STATUSES] }, createdAt: { lt: olderThan } };
  const rows = await prisma.delivery.findMany({
    where: prunable,
    select: { id: true, inboundId: true },
    take: chunkSize,
  });
  if (rows.length === 0) return { rows: 0, deliveries: 0, inboundIds: [] as string[] };
  // The condition is repeated: a row a merchant replayed since the read is no longer prunable.
  const { count } = await prisma.delivery.deleteMany({ where: { ...prunable, id: { in: rows.map((row) => row.id) } } });
  const inboundIds = [...new Set(rows.flatMap((row) => (row.inboundId ? [row.inboundId] : [])))];
  return { rows: rows.length, deliveries: count, inboundIds };
}
