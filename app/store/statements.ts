// Every statement of the hot path — the ingress's accept, the worker's claim, batch and outcome — by name, with
// its parameters and result. app/store/sqlite.server.ts and app/store/postgres.server.ts each implement all of
// them as prepared statements on their driver (better-sqlite3; named statements on pg); nothing else on the hot
// path goes through Prisma (see docs/decisions/0014-hot-path-sql.md).
//
// Statements that must run inside one transaction with others are listed in `TxStatements` and are used through
// a unit of work (app/store/unit-of-work.ts), written once for both dialects.
import type { DeliveryKind, DeliveryStatus } from "../outbox/delivery-status";

export type Dialect = "sqlite" | "postgres";

// A shop as the Okendo ingress needs it: who it is, how it identifies customers, and the sealed secrets its
// requests may be signed with.
export interface IngressShop {
  domain: string;
  identifyByCustomerId: boolean;
  uninstalled: boolean;
  // The shop's own signing secret, the one Okendo issued if the merchant pasted it, and the previous one while its
  // grace lasts (the manual set-up).
  signingSecrets: string[];
  // The secrets Okendo issued for the subscriptions the app created, by topic.
  subscriptionSecrets: Array<{ topic: string; sealed: string }>;
  // The Okendo Sequences URL's token, sealed (null until the settings screen first showed it).
  sequencesToken: string | null;
}

export interface NewInbound {
  shop: string;
  source: string;
  topic: string | null;
  dedupeKey: string;
  payload: string;
  status: "mapped" | "unmapped";
  note: string | null;
  receivedAt: Date;
}

export interface NewDelivery {
  shop: string;
  inboundId: string | null;
  kind: DeliveryKind;
  eventName: string | null;
  identifierType: "external_id" | "email" | "none";
  customerKey: string;
  customerEmail: string | null;
  shopifyCustomerId: string | null;
  payload: string;
  note: string | null;
  status: DeliveryStatus;
  lastError: string | null;
}

export interface ReviewTotals {
  count: number;
  ratingSum: number;
  sentiment: string | null; // the most frequent overall sentiment, ties going to the most recent
}

// A row the worker is about to send (or, for kind "message", to identify).
export interface DueDelivery {
  id: number;
  kind: DeliveryKind;
  payload: string;
  attempts: number;
  firstAttemptAt: Date | null;
  customerEmail: string | null;
  inboundId: string | null;
  eventName: string | null;
  note: string | null;
}

export interface BrazeConnectionRow {
  endpoint: string | null;
  sealedKey: string | null;
  connected: boolean;
  pausedReason: string | null; // deliveries paused by an operator fault (pauseDeliveries)
}

export interface IdentifiedDelivery {
  identifierType: "external_id" | "email";
  customerKey: string;
  shopifyCustomerId: string | null;
  payload: string;
  note: string | null;
  status: DeliveryStatus;
}

export interface RetryOutcome {
  id: number;
  attempts: number; // including this one
  firstAttemptAt: Date;
  lastError: string;
  // null: give up (dead letter); otherwise the delay before the next attempt
  retryInMs: number | null;
}

// Statements that take part in a unit of work (one transaction). Results are plain values here; the Postgres
// implementation returns them as promises and the runner awaits them.
export interface TxStatements {
  // The inbound message, unless its (shop, source, dedupeKey) is stored already: its id, or null for a duplicate.
  insertInbound(row: NewInbound): string | null;
  insertDeliveries(rows: NewDelivery[]): void;
  // True the first time the shop sees this Okendo review.
  knowReview(shop: string, reviewId: string, customerKey: string, source: string, at: Date): boolean;
  // Adds one rated review to the customer's totals, atomically, and returns the totals after it.
  foldReview(shop: string, customerKey: string, rating: number, sentiment: string | null, at: Date): ReviewTotals;
  // The customer's review totals as they stand (the history import sends them once it has folded every review).
  reviewTotals(shop: string, customerKey: string): ReviewTotals;
  // Stores the customer's loyalty tier and returns the one remembered before (null when none), atomically.
  swapLoyaltyTier(shop: string, customerKey: string, tier: string, at: Date): string | null;
  countEvents(shop: string, counts: Array<[eventName: string, count: number]>, day: string, at: Date): void;
  // Moves one row from `from` to `to` if it is still in `from` (a claim: a second click finds nothing).
  moveDelivery(shop: string, id: number, from: DeliveryStatus, to: DeliveryStatus): boolean;
  // Removes a row only while it is still in `status` (a waiting message replaced by its Braze objects).
  takeDelivery(shop: string, id: number, status: DeliveryStatus): boolean;
  markInboundMapped(shop: string, inboundId: string): void;
  // The subscription for this topic received a delivery (shown on the Okendo card).
  touchSubscription(shop: string, topic: string, at: Date): void;
}

// Statements run on their own (each is atomic by itself).
export interface Statements {
  shopForIngress(webhookId: string): IngressShop | null;
  switchedOffEvents(shop: string): string[];
  cachedCustomerId(shop: string, email: string): string | null;
  cachedEmail(shop: string, customerId: string): string | null;

  // A worker's turn at a shop: the lease is compared and set on the database's clock.
  // The least recently served shop with work due (Braze objects to send, messages to identify), or null.
  claimTurn(workerId: string, leaseMs: number): string | null;
  extendTurn(shop: string, workerId: string, leaseMs: number): boolean;
  releaseTurn(shop: string, workerId: string): void;
  brazeConnection(shop: string): BrazeConnectionRow | null;
  dueDeliveries(
    shop: string,
    kinds: readonly DeliveryKind[],
    statuses: readonly DeliveryStatus[],
    limit: number,
  ): DueDelivery[];

  // Outcomes. Each writes only while `workerId` still holds the shop's turn (fencing) and skips rows that are gone
  // (a customers/redact may delete them while a request is on its way); the result is the number of rows written.
  recordDelivered(shop: string, workerId: string, ids: number[], status: DeliveryStatus, response: string): number;
  recordRefused(
    shop: string,
    workerId: string,
    refused: Array<{ id: number; reason: string }>,
    status: DeliveryStatus,
    response: string | null,
  ): number;
  recordRetries(
    shop: string,
    workerId: string,
    outcomes: RetryOutcome[],
    retrying: DeliveryStatus,
    deadLetter: DeliveryStatus,
  ): number;
  replacePayload(shop: string, id: number, payload: string): void;
  // A row waiting for its identifier, completed and moved on — only while it is still waiting.
  identifyDelivery(shop: string, id: number, from: DeliveryStatus, identified: IdentifiedDelivery): boolean;
  setRateLimited(shop: string, forMs: number): void;
  markKeyRejected(shop: string, sealedKey: string, reason: string): void;
  pauseDeliveries(shop: string, forMs: number, reason: string): void;
  resumeDeliveries(shop: string): void;
}
