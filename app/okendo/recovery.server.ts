// Missed-webhook recovery: Okendo's webhooks (Svix) give up on an endpoint after about a day of failures, and a
// delivery can be lost upstream. For every shop connected through Okendo's Merchant API, a periodic reconciliation
// lists the reviews written recently (GET /reviews, newest first) and accepts every review the shop never received,
// through the same seam as the ingress (app/outbox/accept.server.ts) with source "recovery". A review is known by
// its reviewId (KnownReview): one the webhooks brought is never taken again, and a webhook that arrives after the
// recovery took its review is a duplicate there (app/customers/enrich.ts).
//
// It runs in every delivery worker process. Only one process reconciles a shop at a time: a run claims the shop by
// moving its due time a lease ahead in one conditional UPDATE (atomic on SQLite and Postgres) and records its
// outcome only while it still holds that claim. Okendo's rate limit is the Merchant API client's shared limiter (per
// Okendo account, across shops and processes). A failure (wrong credentials, Okendo unreachable, 429) is recorded
// for the settings screen and tried again one interval later; it never stops the worker.
//
// What it cannot see: reviews older than the look-back window (or than the connection), reviews not yet approved
// (GET /reviews lists the approved ones), and every event other than reviews (the loyalty resources have no list).
import { randomUUID } from "node:crypto";
import prisma from "../db.server";
import { accept } from "../outbox/accept.server";
import { pauseUnlessStopped } from "../outbox/wake.server";
import { interpretApiReview } from "../sources/okendo-api-review";
import { storedConnectionApi } from "./connection.server";
import type { OkendoMerchantApi, OkendoReview } from "./merchant-api.server";

export const RECOVERY_SOURCE = "recovery";

export interface RecoveryOptions {
  /** How often each shop is reconciled. */
  intervalMs: number;
  /** How far back each run looks (Svix retries for about a day; two days leave a margin). */
  lookbackMs: number;
  /** Reviews younger than this are left for the next run: their webhook may still be on its way. */
  graceMs: number;
}

const HOUR = 3_600_000;
const number = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);

export function recoveryOptionsFromEnv(env: Record<string, string | undefined> = process.env): RecoveryOptions {
  return {
    intervalMs: number(env.OKENDO_RECOVERY_INTERVAL_MS, HOUR),
    lookbackMs: number(env.OKENDO_RECOVERY_LOOKBACK_MS, 48 * HOUR),
    graceMs: number(env.OKENDO_RECOVERY_GRACE_MS, 10 * 60_000),
  };
}

// A run reads at most this many pages of 100 reviews (two days of a very busy shop); a run that dies is taken over
// once its lease has passed.
const MAX_PAGES = 50;
const LEASE_MS = 15 * 60_000;
// Background work may wait for Okendo's rate limit longer than a merchant clicking a button would.
const PACE = { timeoutMs: 15_000, maxWaitMs: 60_000 };
const SHOPS_PER_CHECK = 20;

export interface RecoveryRun {
  shop: string;
  /** Reviews accepted (each forwarded unless the shop switched the event off). */
  recovered: number;
  /** Reviews read in the window. */
  read: number;
  error: string | null;
}

/** Runs in each worker process until the signal aborts; looks for due shops at most a minute apart. */
export async function recoveryLoop(options: RecoveryOptions, signal: AbortSignal): Promise<void> {
  const checkEveryMs = Math.min(options.intervalMs, 60_000);
  while (!signal.aborted) {
    try {
      await reconcileDueShops(options, signal);
    } catch (error) {
      console.error("[okendo-recovery] checking for due shops failed; trying again later:", error);
    }
    await pauseUnlessStopped(checkEveryMs, signal);
  }
}

/** Claims each shop whose reconciliation is due and runs it; returns the runs this process made. */
export async function reconcileDueShops(options: RecoveryOptions, signal?: AbortSignal): Promise<RecoveryRun[]> {
  const runs: RecoveryRun[] = [];
  const candidates = await prisma.okendoConnection.findMany({
    where: due(options, new Date()),
    select: { shop: true },
    take: SHOPS_PER_CHECK,
  });
  for (const { shop } of candidates) {
    if (signal?.aborted) break;
    const leaseId = await claim(shop, options);
    if (leaseId) runs.push(await reconcileClaimed(shop, leaseId, options, signal));
  }
  return runs;
}

// Due: its due time has come, or it never ran and was connected one interval ago (not at once: right after Connect
// nothing can have been missed yet).
function due(options: RecoveryOptions, now: Date) {
  return {
    OR: [
      { recoveryDueAt: { lte: now } },
      { recoveryDueAt: null, connectedAt: { lte: new Date(now.getTime() - options.intervalMs) } },
    ],
  };
}

async function claim(shop: string, options: RecoveryOptions): Promise<string | null> {
  const now = new Date();
  const leaseId = randomUUID();
  const claimed = await prisma.okendoConnection.updateMany({
    where: { shop, ...due(options, now) },
    data: { recoveryDueAt: new Date(now.getTime() + LEASE_MS), recoveryLeaseId: leaseId },
  });
  return claimed.count === 1 ? leaseId : null;
}

async function reconcileClaimed(
  shop: string,
  leaseId: string,
  options: RecoveryOptions,
  signal?: AbortSignal,
): Promise<RecoveryRun> {
  let run: RecoveryRun;
  try {
    run = await reconcile(shop, options, signal);
  } catch (error) {
    console.error(`[okendo-recovery] ${shop}:`, error);
    run = { shop, recovered: 0, read: 0, error: `The app could not finish the check (${(error as Error).message}).` };
  }
  const now = new Date();
  // Only while the claim is still this run's: a run that outlived its lease leaves the record to its successor.
  await prisma.okendoConnection.updateMany({
    where: { shop, recoveryLeaseId: leaseId },
    data: {
      recoveryDueAt: new Date(now.getTime() + options.intervalMs),
      recoveryLeaseId: null,
      recoveryLastRunAt: now,
      recoveryLastError: run.error,
    },
  });
  if (run.recovered > 0)
    console.log(`[okendo-recovery] ${shop}: reviews recovered that its webhooks missed: ${run.recovered}`);
  return run;
}

// A stopping process (SIGTERM) ends the check between two pages or two reviews; what it did not read is still in the
// window of the next check.
async function reconcile(shop: string, options: RecoveryOptions, signal?: AbortSignal): Promise<RecoveryRun> {
  const [connection, shopRow] = await Promise.all([
    prisma.okendoConnection.findUnique({ where: { shop } }),
    prisma.shop.findUnique({ where: { domain: shop } }),
  ]);
  if (!connection || !shopRow || shopRow.uninstalledAt) return { shop, recovered: 0, read: 0, error: null };
  const api = storedConnectionApi(connection, PACE);
  if (!api) {
    return {
      shop,
      recovered: 0,
      read: 0,
      error: `The Okendo API address this shop was connected through (${connection.apiBase}) is no longer allowed.`,
    };
  }
  const now = Date.now();
  // Nothing written before the connection: the app was not yet told to expect it, and forwarding old reviews as
  // new events would start Canvases by surprise (that is what the opt-in history import is for, attributes only).
  const since = Math.max(connection.connectedAt.getTime(), now - options.lookbackMs);
  const until = now - options.graceMs;

  const listed = await reviewsWrittenBetween(api, since, until, signal);
  const run: RecoveryRun = { shop, recovered: 0, read: listed.reviews.length, error: listed.error };
  const ids = listed.reviews.map((review) => String(review.reviewId));
  const known = new Set(
    (await prisma.knownReview.findMany({ where: { shop, reviewId: { in: ids } }, select: { reviewId: true } })).map(
      (row) => row.reviewId,
    ),
  );
  const identity = { domain: shop, identifyByCustomerId: shopRow.identifyByCustomerId };
  // Oldest first, as the webhooks would have brought them.
  for (const review of listed.reviews.reverse()) {
    if (signal?.aborted) break;
    const reviewId = String(review.reviewId);
    if (known.has(reviewId)) continue;
    const receivedAt = new Date();
    const interpretation = interpretApiReview(review, receivedAt);
    // A review the webhook could not have forwarded either (no reviewer email or customer ID) is not "missed".
    if (interpretation.kind !== "mapped") continue;
    const accepted = await accept(
      { shop: identity, source: RECOVERY_SOURCE, dedupeKey: reviewId, rawBody: JSON.stringify(review), receivedAt },
      interpretation,
    );
    if (accepted.status === "accepted") run.recovered += 1;
  }
  return run;
}

/** Reviews with a reviewId written in [since, until], newest first; what was read before a failure is kept. */
async function reviewsWrittenBetween(
  api: OkendoMerchantApi,
  since: number,
  until: number,
  signal?: AbortSignal,
): Promise<{ reviews: OkendoReview[]; error: string | null }> {
  const reviews: OkendoReview[] = [];
  let page = await api.reviewsPage({ orderBy: "date desc", limit: 100 });
  for (let pages = 1; ; pages++) {
    if (!page.ok) return { reviews, error: page.message };
    let older = false;
    for (const review of page.value.reviews) {
      const written = Date.parse(String(review.dateCreated));
      if (Number.isNaN(written) || typeof review.reviewId !== "string" || !review.reviewId) continue;
      if (written < since) older = true;
      else if (written <= until) reviews.push(review);
    }
    if (older || !page.value.nextUrl || pages >= MAX_PAGES || signal?.aborted) return { reviews, error: null };
    page = await api.reviewsPage({ nextUrl: page.value.nextUrl });
  }
}

export interface OkendoRecoveryView {
  /** Reviews the app took from Okendo's API because no webhook brought them. */
  recovered: number;
  lastRunAt: string | null;
  lastError: string | null;
  lookbackHours: number;
  intervalMinutes: number;
}

/** What the Okendo card says about recovery; null when the shop is not connected through the API. */
export async function okendoRecoveryView(
  shop: string,
  options = recoveryOptionsFromEnv(),
): Promise<OkendoRecoveryView | null> {
  const connection = await prisma.okendoConnection.findUnique({
    where: { shop },
    select: { recoveryLastRunAt: true, recoveryLastError: true },
  });
  if (!connection) return null;
  const recovered = await prisma.knownReview.count({ where: { shop, source: RECOVERY_SOURCE } });
  return {
    recovered,
    lastRunAt: connection.recoveryLastRunAt?.toISOString() ?? null,
    lastError: connection.recoveryLastError,
    lookbackHours: Math.round(options.lookbackMs / HOUR),
    intervalMinutes: Math.round(options.intervalMs / 60_000),
  };
}
