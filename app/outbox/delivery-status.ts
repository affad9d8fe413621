// The Delivery state machine's states. A Delivery row is the outbox entry of one Braze object (and the activity
// log's line for it); what a status means and where it can go next is written here once. Rows change status only
// through the transitions in app/outbox/transitions.server.ts (and the dialect SQL they call, which takes these
// values as parameters); no other module writes a status.
//
//   enqueue ─▶ queued ──deliver──▶ delivered ──prune──▶ (gone)
//     │          │  ▲
//     │          │  └──requeue── failed / dead_letter (merchant's Retry)
//     │          ├──fail (Braze refused: 400, a refused object) ──▶ failed
//     │          ├──retry (5xx, network) ──▶ retrying ──(after ≥ 24 h of retries)──▶ dead_letter
//     │          └──cancel (uninstall, customers/redact) ──▶ cancelled
//     ├─▶ waiting_identity ──identify (the worker asked Shopify for the customer)──▶ queued
//     ├─▶ skipped (event switched off, or a review already forwarded) ──prune──▶ (gone)
//     ├─▶ failed (no usable identifier) ──replay──▶ replayed (+ new rows)
//     └─▶ unmapped (valid but not mappable) ──replay──▶ replayed (+ new rows)
export const DeliveryStatus = Object.freeze({
  queued: "queued",
  waitingIdentity: "waiting_identity",
  retrying: "retrying",
  delivered: "delivered",
  failed: "failed",
  deadLetter: "dead_letter",
  unmapped: "unmapped",
  skipped: "skipped",
  replayed: "replayed",
  cancelled: "cancelled",
} as const);

export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = Object.freeze(Object.values(DeliveryStatus));

// What the worker sends: due rows in these states.
export const SENDABLE_STATUSES: readonly DeliveryStatus[] = [DeliveryStatus.queued, DeliveryStatus.retrying];
// Not finished: the row will still change by itself (sent, identified or retried).
export const PENDING_STATUSES: readonly DeliveryStatus[] = [...SENDABLE_STATUSES, DeliveryStatus.waitingIdentity];
// The merchant may ask for these to be tried again; "Retry all failed" takes the failed and dead-lettered ones.
export const RETRYABLE_STATUSES: readonly DeliveryStatus[] = [
  DeliveryStatus.failed,
  DeliveryStatus.deadLetter,
  DeliveryStatus.unmapped,
];
export const RETRY_ALL_STATUSES: readonly DeliveryStatus[] = [DeliveryStatus.failed, DeliveryStatus.deadLetter];
// Finished rows retention may remove once old: nothing more can happen to them and nothing is lost by forgetting.
export const PRUNABLE_STATUSES: readonly DeliveryStatus[] = [
  DeliveryStatus.delivered,
  DeliveryStatus.skipped,
  DeliveryStatus.replayed,
  DeliveryStatus.cancelled,
];

// What a row holds: a Braze object (event, attribute update, user deletion), or a message that could not be mapped.
export const DeliveryKind = Object.freeze({
  event: "event",
  attributes: "attributes",
  delete: "delete",
  unmapped: "unmapped",
} as const);
export type DeliveryKind = (typeof DeliveryKind)[keyof typeof DeliveryKind];
