// The history import job, run by every delivery worker process (in the web process or `npm run worker`): a loop
// that claims a shop's running import with a lease, reads Okendo's approved reviews a page at a time, oldest first,
// through the Merchant API client and the shared rate limiter, folds each into the customer's review totals, and
// then sends every customer it found their resulting attributes — once each, through the outbox, never as events.
//
// Reading: each review is read by the same reader as a native review.create delivery (app/sources/okendo-api-review.ts) and folded
// by the same enrich step as a live review, with source "import": a review the shop already knows (by reviewId,
// from a webhook or an earlier import) is not counted again, and one the import counted is not counted again when a
// webhook brings it later. Reviews written after the import started are left to the live webhooks (and to
// missed-webhook recovery): they are live reviews, whose "Okendo Review Created" event the merchant wants sent.
//
// Surviving a restart: the page cursor (Okendo's nextUrl) and the counters are written after every page, each
// write conditional on this process still holding the lease and the import still running (a Cancel, or another
// process that took over an expired lease, makes it fail and this one stops). A page read twice folds nothing
// twice (reviews are known by reviewId). Attributes go out in batches of customers, one inbound message each whose
// dedupe key names the import and the customer, so a batch written twice is stored once.
import { randomUUID } from "node:crypto";
import prisma from "../db.server";
import { enrich } from "../customers/enrich";
import { reviewTotalsAttributes } from "../customers/review-totals";
import { customerStateKey } from "../customers/state-key";
import type { AttributeUpdate, CatalogEvent, CustomerRef } from "../catalog/messages";
import { enqueue, identify } from "../outbox/accept.server";
import { pauseUnlessStopped, sleepUntilImportStartedOr, wakeDeliveryWorker } from "../outbox/wake.server";
import { interpretApiReview } from "../sources/okendo-api-review";
import { store } from "../store/index.server";
import { sql, type Work } from "../store/unit-of-work";
import { storedConnectionApi } from "./connection.server";
import type { OkendoMerchantApi, OkendoReview } from "./merchant-api.server";

const PAGE_SIZE = 100; // Okendo's largest page
const CUSTOMERS_PER_BATCH = 100;
const POLL_MS = 1_000;
const IMPORTS_PER_PROCESS = 4;
// Okendo unreachable or limiting us: the import waits and tries the same page again.
const RETRY_MS = 5_000;
// A page may wait this long for a rate-limit slot and as long again for Okendo's answer; the lease outlasts both.
const PACE = { timeoutMs: 10_000, maxWaitMs: 10_000 };
// Between pages the import leaves Okendo's rate limit (about 2 requests a second per account) to the merchant's own
// page loads, Connect, Repair and recovery: it uses about half of it.
const PAGE_GAP_MS = 500;

export function importLeaseMs(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.OKENDO_IMPORT_LEASE_MS || 60_000);
  return Number.isFinite(value) && value > 0 ? value : 60_000;
}

/**
 * Runs until `signal` aborts. Imports of different shops run side by side (Okendo's rate limit is per account), up
 * to a few per process, so one shop's long import never holds up another's.
 */
export async function historyImportLoop(workerId: string, signal: AbortSignal, leaseMs = importLeaseMs()) {
  const running = new Set<Promise<void>>();
  while (!signal.aborted) {
    const claim = running.size < IMPORTS_PER_PROCESS ? await claimImport(workerId, leaseMs).catch(logged) : null;
    if (claim) {
      const task = runClaimed(claim.shop, claim.owner).finally(() => running.delete(task));
      running.add(task);
      continue;
    }
    await sleepUntilImportStartedOr(POLL_MS, signal);
  }
  await Promise.all(running);

  function logged(error: unknown): null {
    console.error(`[history-import] ${workerId}:`, error);
    return null;
  }

  async function runClaimed(shop: string, owner: string) {
    try {
      await new ImportRun(shop, owner, leaseMs, signal).run();
    } catch (error) {
      logged(error);
    } finally {
      // A clean stop hands the import back at once, so the next process resumes it without waiting for the lease.
      await prisma.historyImport
        .updateMany({ where: { shop, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } })
        .catch(() => {});
    }
  }
}

// Each claim has an owner of its own, so even a run of this process whose lease ran out cannot write over the next.
async function claimImport(workerId: string, leaseMs: number): Promise<{ shop: string; owner: string } | null> {
  const now = new Date();
  const free = { status: "running", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
  const candidate = await prisma.historyImport.findFirst({ where: free, select: { shop: true } });
  if (!candidate) return null;
  const owner = `${workerId}:${randomUUID().slice(0, 8)}`;
  const claimed = await prisma.historyImport.updateMany({
    where: { shop: candidate.shop, ...free },
    data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
  });
  return claimed.count === 1 ? { shop: candidate.shop, owner } : null;
}

interface FoundCustomer {
  customerKey: string;
  email: string | null;
  shopifyCustomerId: string | null;
}

class ImportRun {
  constructor(
    private readonly shop: string,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly signal: AbortSignal,
  ) {}

  async run() {
    while (!this.signal.aborted) {
      const row = await prisma.historyImport.findFirst({
        where: { shop: this.shop, status: "running", leaseOwner: this.owner },
      });
      if (!row) return this.leave(); // finished, cancelled, failed, or the lease went to another process
      if (row.phase === "sending") {
        await this.sendBatch(row.startedAt); // needs nothing more from Okendo
        continue;
      }
      const api = await this.api();
      if (!api) {
        await this.fail("Okendo was disconnected, so the import stopped. Connect Okendo and start it again.");
        continue;
      }
      if (await this.readPage(api, row.nextUrl, row.startedAt)) await pauseUnlessStopped(PAGE_GAP_MS, this.signal);
    }
  }

  private async api(): Promise<OkendoMerchantApi | null> {
    const connection = await prisma.okendoConnection.findUnique({ where: { shop: this.shop } });
    return connection ? storedConnectionApi(connection, PACE) : null;
  }

  /** Writes progress only while this process holds the running import; false when it no longer does. */
  private async progress(data: Parameters<typeof prisma.historyImport.updateMany>[0]["data"]): Promise<boolean> {
    const written = await prisma.historyImport.updateMany({
      where: { shop: this.shop, status: "running", leaseOwner: this.owner },
      data: { ...data, leaseUntil: new Date(Date.now() + this.leaseMs) },
    });
    return written.count === 1;
  }

  private async fail(error: string) {
    await this.progress({ status: "failed", error, finishedAt: new Date(), leaseOwner: null });
  }

  // The customers' emails are kept only while the import runs; a page that was in flight when the import was
  // cancelled may have added some after Cancel, so they are dropped here too.
  private async leave() {
    const row = await prisma.historyImport.findUnique({ where: { shop: this.shop }, select: { status: true } });
    if (row?.status !== "running") await prisma.historyImportCustomer.deleteMany({ where: { shop: this.shop } });
  }

  // ─── reading ──────────────────────────────────────────────────────────────────────────────────────────────

  private async readPage(api: OkendoMerchantApi, nextUrl: string | null, startedAt: Date): Promise<boolean> {
    const page = await api.reviewsPage(nextUrl ? { nextUrl } : { limit: PAGE_SIZE, orderBy: "date asc" });
    if (!page.ok) {
      const { kind } = page.problem;
      if (kind === "rate-limited" || kind === "unreachable") {
        // Said on the screen while the import waits; cleared by the next page that works.
        if (!(await this.progress({ error: `Waiting for Okendo: ${page.message}` }))) return false;
        await pauseUnlessStopped(RETRY_MS, this.signal);
        return true;
      }
      await this.fail(page.message);
      return false;
    }

    const at = new Date();
    const reviews: CatalogEvent[] = [];
    let unattributed = 0;
    let oldest: Date | null = null;
    let through: Date | null = null;
    for (const review of page.value.reviews) {
      const written = reviewDate(review);
      // Written after the import started: a live review, for the webhooks to forward as an event.
      if (written && written >= startedAt) continue;
      if (written) {
        oldest ??= written;
        through = written;
      }
      const read = interpretApiReview(review, at);
      if (read.kind !== "mapped") unattributed += 1;
      else reviews.push(...read.messages.filter((m): m is CatalogEvent => m.kind === "event"));
    }
    const counted = await store().transact(foldReviews(this.shop, reviews, at));
    const found = await this.remember(reviews.map((review) => review.customer));

    const finished = page.value.nextUrl === null;
    return (
      (await this.progress({
        nextUrl: page.value.nextUrl,
        phase: finished ? "sending" : "reading",
        reviewsRead: { increment: page.value.reviews.length },
        reviewsCounted: { increment: counted },
        reviewsUnattributed: { increment: unattributed },
        customersFound: found,
        ...(nextUrl === null && oldest ? { oldestReviewAt: oldest } : {}), // the first page starts at the oldest
        ...(through ? { readThroughAt: through } : {}),
        error: null,
      })) && !this.signal.aborted
    );
  }

  /** Adds the page's reviewers to the customers to update; returns how many the import has found so far. */
  private async remember(customers: CustomerRef[]): Promise<number> {
    const byKey = new Map<string, FoundCustomer>();
    for (const customer of customers) {
      const customerKey = customerStateKey(customer);
      if (!customerKey) continue;
      byKey.set(customerKey, {
        customerKey,
        email: customer.email ?? null,
        shopifyCustomerId: customer.shopifyCustomerId ?? null,
      });
    }
    for (const found of byKey.values()) {
      const { customerKey, ...ids } = found;
      await prisma.historyImportCustomer.upsert({
        where: { shop_customerKey: { shop: this.shop, customerKey } },
        create: { shop: this.shop, ...found },
        update: ids,
      });
    }
    return prisma.historyImportCustomer.count({ where: { shop: this.shop } });
  }

  // ─── sending ──────────────────────────────────────────────────────────────────────────────────────────────

  private async sendBatch(startedAt: Date): Promise<void> {
    const batch = await prisma.historyImportCustomer.findMany({
      where: { shop: this.shop, sent: false },
      orderBy: { customerKey: "asc" },
      take: CUSTOMERS_PER_BATCH,
    });
    if (batch.length === 0) {
      await this.progress({ status: "finished", finishedAt: new Date(), leaseOwner: null });
      return;
    }
    const shop = await prisma.shop.findUniqueOrThrow({
      where: { domain: this.shop },
      select: { domain: true, identifyByCustomerId: true },
    });
    const at = new Date();
    const messages: AttributeUpdate[] = batch.map((customer) => ({
      kind: "attributes",
      occurredAt: at.toISOString(),
      customer: {
        ...(customer.email ? { email: customer.email } : {}),
        ...(customer.shopifyCustomerId ? { shopifyCustomerId: customer.shopifyCustomerId } : {}),
      },
      attributes: {},
    }));
    const identities = await identify(shop, messages);
    const keys = batch.map((customer) => customer.customerKey);
    const importKey = `history:${startedAt.toISOString()}`;
    await store().transact(writeAttributes(this.shop, importKey, keys, messages, identities, at));
    wakeDeliveryWorker();
    const marked = await prisma.historyImportCustomer.updateMany({
      where: { shop: this.shop, customerKey: { in: keys }, sent: false },
      data: { sent: true },
    });
    await this.progress({ customersUpdated: { increment: marked.count } });
  }
}

function reviewDate(review: OkendoReview): Date | null {
  const value = typeof review.dateCreated === "string" ? new Date(review.dateCreated) : null;
  return value && !Number.isNaN(value.getTime()) ? value : null;
}

// The live fold, with source "import": returns how many reviews were new to the shop.
function* foldReviews(shop: string, reviews: CatalogEvent[], at: Date): Work<number> {
  const enriched = yield* enrich(reviews, { shop, source: "import", at });
  return enriched.filter((e) => !e.withheld).length;
}

// One batch of customers' attributes: per customer, one inbound message (source "import", so the Activity log and a
// privacy request see each customer's own) and its attribute-only row. The totals are read in the same transaction
// as the rows are written, so they are the customer's at that moment. A customer whose message was written before
// this process stopped is a duplicate and is skipped.
function* writeAttributes(
  shop: string,
  importKey: string,
  customerKeys: string[],
  messages: AttributeUpdate[],
  identities: Awaited<ReturnType<typeof identify>>,
  at: Date,
): Work<void> {
  for (const [index, message] of messages.entries()) {
    const customerKey = customerKeys[index]!;
    const totals = yield* sql("reviewTotals", shop, customerKey);
    // No rated review: nothing to say about this customer.
    if (totals.count === 0) continue;
    const update: AttributeUpdate = { ...message, attributes: reviewTotalsAttributes(totals) };
    const inboundId = yield* sql("insertInbound", {
      shop,
      source: "import",
      topic: null,
      dedupeKey: `${importKey}:${customerKey}`,
      payload: JSON.stringify({ historyImport: { reviews: totals.count, attributes: update.attributes } }),
      receivedAt: at,
      status: "mapped",
      note: "History import: review totals (attributes only, no events).",
    });
    if (!inboundId) continue;
    const prepared = { identities: [identities[index]!], switchedOff: new Set<string>(), firstReading: false };
    yield* enqueue(shop, inboundId, [update], prepared, null);
  }
}
