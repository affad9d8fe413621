// The delivery worker: the only code that talks to Braze after a shop is connected. It runs inside the web process
// by default and as `npm run worker` processes when one machine is not enough; the same code either way.
//
// A turn at one shop: claim the shop (a lease on its row, on the database's clock), identify the customers of
// messages waiting for Shopify, send the shop's due objects in requests of at most 75, record each outcome, release.
// The lease is kept alive while the turn runs and every outcome is written only while it is still held, so a worker
// that stalled past its lease cannot overwrite what the worker that took over recorded.
import { hostname } from "node:os";
import { postToBraze } from "../braze/client.server";
import { BRAZE_MAX_OBJECTS_PER_REQUEST } from "../braze/limits";
import { classifyDeleteAnswer, classifyTrackAnswer, type BatchOutcome } from "../braze/track-outcome";
import { identifyWithShopify } from "../identity/resolve.server";
import { lookUpCustomerByEmail, type AdminLookup } from "../identity/shopify-customers.server";
import { forgottenDeletion } from "../privacy/braze-deletion";
import { keyUnavailableReason, openBrazeKey } from "../settings/braze-key.server";
import { store } from "../store/index.server";
import type { DueDelivery, RetryOutcome } from "../store/statements";
import { DeliveryKind, DeliveryStatus, SENDABLE_STATUSES } from "./delivery-status";
import { deliver, fail, identify, retryIdentityLater, retryLater, type Fence } from "./transitions.server";
import { pruneLoop, retentionPolicyFromEnv, type RetentionPolicy } from "./retention.server";
import { backoffMs, rateLimitDelayMs, retryPolicyFromEnv, shouldDeadLetter, type RetryPolicy } from "./retry-policy";
import { sleepUntilWokenOr } from "./wake.server";
import { workerHeartbeat } from "../health/heartbeat.server";
import { recoveryLoop, recoveryOptionsFromEnv } from "../okendo/recovery.server";
import { historyImportLoop } from "../okendo/history-import-job.server";

export interface WorkerOptions {
  concurrency: number; // turns taken in parallel by this process
  pollMs: number; // idle wait when no shop has due work (in-process ingress wakes it sooner)
  leaseMs: number; // how long a turn is reserved; a dead worker's shops come back after this
  turnMs: number; // after this long a worker hands the shop back so other shops get a turn
  requestTimeoutMs: number; // how long one Braze request may take
  identitiesPerTurn: number; // Shopify look-ups per turn, so a shop's sends are not held up by many of them
  retry: RetryPolicy;
  // Pruning of old finished rows (retention.server.ts); read from the environment when absent.
  retention?: RetentionPolicy;
}

const number = (value: string | undefined, fallback: number) => (value ? Number(value) : fallback);

export function workerOptionsFromEnv(env: Record<string, string | undefined> = process.env): WorkerOptions {
  return {
    concurrency: number(env.DELIVERY_CONCURRENCY, 2),
    pollMs: number(env.DELIVERY_POLL_MS, 250),
    leaseMs: number(env.DELIVERY_LEASE_MS, 60_000),
    turnMs: number(env.DELIVERY_TURN_MS, 1_000),
    requestTimeoutMs: number(env.DELIVERY_REQUEST_TIMEOUT_MS, 15_000),
    identitiesPerTurn: 25,
    retry: retryPolicyFromEnv(env),
    retention: retentionPolicyFromEnv(env),
  };
}

// The lease must outlast a request plus the time to record its outcome (allowed as long again), or a second worker
// could take the shop and send the same batch while the first one still waits for Braze.
export function leaseProblem(options: Pick<WorkerOptions, "leaseMs" | "requestTimeoutMs">): string | null {
  const { leaseMs, requestTimeoutMs } = options;
  if (!(requestTimeoutMs > 0) || !(leaseMs >= 2 * requestTimeoutMs)) {
    return (
      `DELIVERY_LEASE_MS (${leaseMs}) must be at least twice DELIVERY_REQUEST_TIMEOUT_MS (${requestTimeoutMs}): ` +
      "a turn's lease has to outlast a Braze request and the recording of its outcome."
    );
  }
  return null;
}

export interface WorkerTotals {
  requests: number; // requests sent to Braze
  delivered: number; // objects Braze accepted
}

export interface RunningWorker {
  totals: WorkerTotals;
  stop(): Promise<void>;
}

export function startDeliveryWorker(options: WorkerOptions = workerOptionsFromEnv()): RunningWorker {
  const problem = leaseProblem(options);
  if (problem) throw new Error(problem);
  const controller = new AbortController();
  const totals: WorkerTotals = { requests: 0, delivered: 0 };
  const loops = Array.from({ length: options.concurrency }, (_, index) =>
    workLoop(`${hostname()}:${process.pid}:${index}`, { ...options, totals }, controller.signal),
  );
  loops.push(pruneLoop(options.retention ?? retentionPolicyFromEnv(), controller.signal));
  loops.push(workerHeartbeat(controller.signal)); // readiness counts this worker as alive (app/health)
  loops.push(recoveryLoop(recoveryOptionsFromEnv(), controller.signal)); // Okendo's missed webhooks (app/okendo)
  loops.push(historyImportLoop(`${hostname()}:${process.pid}:history-import`, controller.signal));
  return {
    totals,
    async stop() {
      controller.abort();
      await Promise.all(loops);
    },
  };
}

type LoopOptions = WorkerOptions & { totals: WorkerTotals };

async function workLoop(workerId: string, options: LoopOptions, signal: AbortSignal) {
  while (!signal.aborted) {
    let shop: string | null = null;
    try {
      shop = await store().run("claimTurn", workerId, options.leaseMs);
      if (!shop) {
        await sleepUntilWokenOr(options.pollMs, signal);
        continue;
      }
      // A turn that did nothing must not be followed at once by another claim: a tight claim loop would starve
      // the web process it shares with.
      if (!(await takeTurn(new Turn(shop, workerId, options)))) await sleepUntilWokenOr(options.pollMs, signal);
    } catch (error) {
      // A database hiccup must not kill the worker; the rows stay due and are retried on the next turn.
      console.error(`[delivery-worker] ${workerId}:`, error);
      await sleepUntilWokenOr(options.pollMs, signal);
    } finally {
      if (shop)
        await store()
          .run("releaseTurn", shop, workerId)
          .catch(() => {});
    }
  }
}

// One claimed turn: keeps the lease alive (renewed before each request, and a third of the way through each lease)
// until it ends.
class Turn implements Fence {
  lost = false;
  private readonly keeper: NodeJS.Timeout;

  constructor(
    readonly shop: string,
    readonly workerId: string,
    readonly options: LoopOptions,
  ) {
    // Between requests (Shopify look-ups, a long batch) the lease is kept alive in the background as well.
    this.keeper = setInterval(() => {
      this.renew().catch(() => {}); // a failed extension is retried at the next tick; the lease still has two thirds left
    }, options.leaseMs / 3);
  }

  end() {
    clearInterval(this.keeper);
  }

  async renew(): Promise<boolean> {
    const held = await store().run("extendTurn", this.shop, this.workerId, this.options.leaseMs);
    this.lost ||= !held;
    return held;
  }

  // A write that touched fewer rows than asked: the lease was lost (another worker has the shop now) or the rows are
  // gone (a customers/redact deleted them meanwhile). Either way the rows are not ours to change.
  noteShortWrite(written: number, expected: number, what: string) {
    if (written < expected) {
      console.warn(
        `[delivery-worker] ${this.workerId}: ${what} recorded for ${written} of ${expected} rows of ${this.shop}` +
          " (the rest were deleted meanwhile, or this worker lost its turn)",
      );
    }
  }
}

// Says whether the turn did anything.
async function takeTurn(turn: Turn): Promise<boolean> {
  try {
    const identified = await identifyWaiting(turn);
    const sent = await sendDue(turn);
    return identified || sent;
  } finally {
    turn.end();
  }
}

// Rows whose customer only Shopify can identify (app/identity): asked here, off the request path, once per email
// per turn. A failed look-up is retried with backoff — never answered with the email identifier, which would split one
// customer into two Braze profiles — and dead-lettered after the retry window like a failed delivery.
async function identifyWaiting(turn: Turn): Promise<boolean> {
  const waiting = await store().run(
    "dueDeliveries",
    turn.shop,
    [DeliveryKind.attributes, DeliveryKind.event],
    [DeliveryStatus.waitingIdentity],
    turn.options.identitiesPerTurn,
  );
  const lookups = new Map<string, Promise<AdminLookup>>();
  for (const row of waiting) {
    if (turn.lost) break;
    const email = row.customerEmail!;
    if (!lookups.has(email)) lookups.set(email, lookUpCustomerByEmail(turn.shop, email));
    const lookup = await lookups.get(email)!;
    if ("failed" in lookup) {
      const outcome = retryOutcome(
        row,
        `Shopify customer look-up failed (${lookup.failed}); asking again later.`,
        turn,
      );
      turn.noteShortWrite(await retryIdentityLater(turn, outcome), 1, "identity retry");
      continue;
    }
    const identity = identifyWithShopify(email, lookup);
    if (identity.kind === "identified") await identify(turn.shop, row, identity);
    else await fail(turn, [{ id: row.id, reason: identity.kind === "unidentifiable" ? identity.reason : "" }], null);
  }
  return waiting.length > 0;
}

interface Connection {
  shop: string;
  endpoint: string;
  apiKey: string;
  sealedKey: string; // the stored key as used for this turn
}

async function openConnection(turn: Turn): Promise<Connection | null> {
  const row = await store().run("brazeConnection", turn.shop);
  if (!row?.connected || !row.endpoint || !row.sealedKey) return null;
  const opened = openBrazeKey(row.sealedKey, turn.shop);
  if (!opened.ok) {
    // The process's ENCRYPTION_KEY cannot open the stored key: an operator's fault, not the merchant's. The
    // connection stays as it is; deliveries pause with the reason shown, and resume once the right key is back.
    await store().run("pauseDeliveries", turn.shop, KEY_PAUSE_MS, keyUnavailableReason(opened.error));
    console.error(`[delivery-worker] ${turn.shop}: deliveries paused: ${opened.error}`);
    return null;
  }
  if (row.pausedReason) await store().run("resumeDeliveries", turn.shop);
  return { shop: turn.shop, endpoint: row.endpoint, apiKey: opened.key, sealedKey: row.sealedKey };
}

const KEY_PAUSE_MS = 60_000;

async function sendDue(turn: Turn): Promise<boolean> {
  const connection = await openConnection(turn);
  if (!connection) return false;
  const { options } = turn;
  const turnEnds = Date.now() + options.turnMs;
  let sent = false;

  while (Date.now() < turnEnds && !turn.lost) {
    // Deletions first: a customers/redact must not be overtaken by the customer's own objects.
    const deletions = await store().run("dueDeliveries", turn.shop, [DeliveryKind.delete], SENDABLE_STATUSES, 1);
    const batch =
      deletions.length > 0
        ? deletions
        : await store().run(
            "dueDeliveries",
            turn.shop,
            [DeliveryKind.attributes, DeliveryKind.event],
            SENDABLE_STATUSES,
            BRAZE_MAX_OBJECTS_PER_REQUEST,
          );
    if (batch.length === 0) break;
    // Renewed right before each request, so the lease outlasts the request and its recording (leaseProblem) whatever
    // happened to the keeper's timer: no other worker can take the shop and send this batch too.
    if (!(await turn.renew())) break;
    const outcome =
      deletions.length > 0 ? await sendDeletion(connection, batch[0]!, turn) : await sendTrack(connection, batch, turn);
    await recordOutcome(turn, connection, batch, outcome);
    sent = true;
    options.totals.requests += 1;
    if (outcome.kind === "accepted") options.totals.delivered += batch.length - outcome.failed.size;
    if (outcome.kind !== "accepted" && outcome.kind !== "rejected") break; // Braze needs a break: end the turn
  }
  return sent;
}

// Packs rows into one /users/track request: attribute objects, then events, each array in the order received.
async function sendTrack(connection: Connection, batch: DueDelivery[], turn: Turn): Promise<BatchOutcome> {
  const attributes = batch.filter((row) => row.kind === DeliveryKind.attributes);
  const events = batch.filter((row) => row.kind === DeliveryKind.event);
  // Positions in Braze's answer follow the packed order, so keep the batch in that order too.
  batch.splice(0, batch.length, ...attributes, ...events);
  const body = {
    ...(attributes.length > 0 ? { attributes: attributes.map((row) => JSON.parse(row.payload)) } : {}),
    ...(events.length > 0 ? { events: events.map((row) => JSON.parse(row.payload)) } : {}),
  };
  const result = await postToBraze(
    connection.endpoint,
    connection.apiKey,
    "/users/track",
    body,
    turn.options.requestTimeoutMs,
  );
  return classifyTrackAnswer(result, attributes.length, batch.length);
}

async function sendDeletion(connection: Connection, row: DueDelivery, turn: Turn): Promise<BatchOutcome> {
  const payload = JSON.parse(row.payload);
  const result = await postToBraze(
    connection.endpoint,
    connection.apiKey,
    "/users/delete",
    payload,
    turn.options.requestTimeoutMs,
  );
  return classifyDeleteAnswer(result);
}

function retryOutcome(row: DueDelivery, reason: string, turn: Turn): RetryOutcome {
  const now = new Date();
  const firstAttemptAt = row.firstAttemptAt ?? now;
  const attempts = row.attempts + 1;
  const retry = turn.options.retry;
  const giveUp = shouldDeadLetter(retry, firstAttemptAt, now);
  return {
    id: row.id,
    attempts,
    firstAttemptAt,
    lastError: giveUp ? `${reason}; gave up after ${attempts} attempts` : reason,
    retryInMs: giveUp ? null : backoffMs(retry, attempts),
  };
}

async function recordOutcome(turn: Turn, connection: Connection, batch: DueDelivery[], outcome: BatchOutcome) {
  const { shop } = turn;
  switch (outcome.kind) {
    case "accepted": {
      const delivered = batch.filter((_, position) => !outcome.failed.has(position)).map((row) => row.id);
      const refused = [...outcome.failed].map(([position, reason]) => ({
        id: batch[position]!.id,
        reason: `Braze refused this object: ${reason}`,
      }));
      const written = await deliver(turn, delivered, outcome.response);
      turn.noteShortWrite(written, delivered.length, "delivery");
      if (refused.length > 0)
        turn.noteShortWrite(await fail(turn, refused, outcome.response), refused.length, "refusal");
      // Once Braze has taken a deletion, the identifiers we were asked to forget need not stay in the row.
      const deletion = batch[0]?.kind === DeliveryKind.delete && outcome.failed.size === 0 ? batch[0] : undefined;
      if (deletion && written > 0)
        await store().run("replacePayload", shop, deletion.id, forgottenDeletion(deletion.payload));
      return;
    }
    case "rejected": {
      const refused = batch.map((row) => ({ id: row.id, reason: outcome.reason }));
      turn.noteShortWrite(await fail(turn, refused, outcome.response), refused.length, "rejection");
      return;
    }
    case "key_rejected":
      // Deliveries pause (nothing is counted against them) until the merchant reconnects. Only the key that was used
      // is marked: if the merchant saved a new one meanwhile, a late 401 for the old key must not break the new one.
      await store().run("markKeyRejected", shop, connection.sealedKey, outcome.reason);
      return;
    case "rate_limited":
      await store().run("setRateLimited", shop, rateLimitDelayMs(outcome.headers, new Date()));
      return;
    case "transient": {
      const outcomes = batch.map((row) => retryOutcome(row, outcome.reason, turn));
      turn.noteShortWrite(await retryLater(turn, outcomes), outcomes.length, "retry");
    }
  }
}
