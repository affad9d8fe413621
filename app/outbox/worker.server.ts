// The delivery worker: the only code that talks to Braze after a shop is connected. It runs inside the web
// process by default and as `npm run worker` processes when one machine is not enough; the same code either way.
// Each worker process also prunes old finished rows now and then (retention.server.ts).
import { hostname } from "node:os";
import prisma from "../db.server";
import { postToBraze } from "../braze/client.server";
import { BRAZE_MAX_OBJECTS_PER_REQUEST } from "../braze/limits";
import { classifyDeleteAnswer, classifyTrackAnswer, type BatchOutcome } from "../braze/track-outcome";
import { forgottenDeletion } from "../privacy/braze-deletion";
import { secretBoxFromEnv } from "../settings/secret-box.server";
import { claimTurn, dueDeliveries, releaseTurn, type DueDelivery } from "./claim.server";
import { backoffMs, rateLimitedUntil, retryPolicyFromEnv, shouldDeadLetter, type RetryPolicy } from "./retry-policy";
import { sleepUntilWokenOr } from "./wake.server";
import { pruneLoop, retentionPolicyFromEnv, type RetentionPolicy } from "./retention.server";

export interface WorkerOptions {
  concurrency: number; // turns taken in parallel by this process
  pollMs: number; // idle wait when no shop has due objects (in-process ingress wakes it sooner)
  leaseMs: number; // how long a turn is reserved; a dead worker's shops come back after this
  turnMs: number; // after this long a worker hands the shop back so other shops get a turn
  retry: RetryPolicy;
  // Pruning of old delivered and skipped rows (retention.server.ts); read from the environment when absent.
  retention?: RetentionPolicy;
}

export function workerOptionsFromEnv(env: Record<string, string | undefined> = process.env): WorkerOptions {
  return {
    concurrency: Number(env.DELIVERY_CONCURRENCY || 2),
    pollMs: Number(env.DELIVERY_POLL_MS || 250),
    leaseMs: Number(env.DELIVERY_LEASE_MS || 60_000),
    turnMs: Number(env.DELIVERY_TURN_MS || 1_000),
    retry: retryPolicyFromEnv(env),
    retention: retentionPolicyFromEnv(env),
  };
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
  const controller = new AbortController();
  const totals: WorkerTotals = { requests: 0, delivered: 0 };
  const loops = Array.from({ length: options.concurrency }, (_, index) =>
    workLoop(`${hostname()}:${process.pid}:${index}`, { ...options, totals }, controller.signal),
  );
  loops.push(pruneLoop(options.retention ?? retentionPolicyFromEnv(), controller.signal));
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
      shop = await claimTurn(workerId, options.leaseMs);
      if (!shop) {
        await sleepUntilWokenOr(options.pollMs, signal);
        continue;
      }
      // A turn that sent nothing must not be followed at once by another claim: with SQLite's synchronous driver
      // a tight claim loop would never let the web process answer a request.
      if (!(await takeTurn(shop, options))) await sleepUntilWokenOr(options.pollMs, signal);
    } catch (error) {
      // A database hiccup must not kill the worker; the rows stay due and are retried on the next turn.
      console.error(`[delivery-worker] ${workerId}:`, error);
      await sleepUntilWokenOr(options.pollMs, signal);
    } finally {
      if (shop) await releaseTurn(shop, workerId).catch(() => {});
    }
  }
}

// Sends the shop's due objects until the turn is over or nothing is due; says whether anything was sent.
async function takeTurn(shop: string, options: LoopOptions): Promise<boolean> {
  const row = await prisma.shop.findUnique({ where: { domain: shop } });
  if (!row?.brazeEndpoint || !row.brazeApiKeyEncrypted) return false;
  const sealedKey = row.brazeApiKeyEncrypted;
  let apiKey: string;
  try {
    apiKey = secretBoxFromEnv().open(sealedKey, shop);
  } catch (error) {
    await markKeyRejected(
      shop,
      sealedKey,
      `The stored API key cannot be decrypted (${(error as Error).message}). Reconnect.`,
    );
    return false;
  }
  const connection = { shop, endpoint: row.brazeEndpoint, apiKey, sealedKey };
  const turnEnds = Date.now() + options.turnMs;
  let sent = false;

  while (Date.now() < turnEnds) {
    const deletions = await dueDeliveries(shop, "delete", 1);
    const batch = deletions.length > 0 ? deletions : await dueDeliveries(shop, "track", BRAZE_MAX_OBJECTS_PER_REQUEST);
    if (batch.length === 0) break;
    const outcome =
      deletions.length > 0 ? await sendDeletion(connection, batch[0]!) : await sendTrack(connection, batch);
    await recordOutcome(connection, batch, outcome, options.retry);
    sent = true;
    options.totals.requests += 1;
    if (outcome.kind === "accepted") options.totals.delivered += batch.length - outcome.failed.size;
    if (outcome.kind !== "accepted" && outcome.kind !== "rejected") break; // Braze needs a break: end the turn
  }
  return sent;
}

interface Connection {
  shop: string;
  endpoint: string;
  apiKey: string;
  sealedKey: string; // the stored key as used for this turn
}

// Packs rows into one /users/track request: attribute objects, then events, each array in the order received.
async function sendTrack(connection: Connection, batch: DueDelivery[]): Promise<BatchOutcome> {
  const attributes = batch.filter((row) => row.kind === "attributes");
  const events = batch.filter((row) => row.kind === "event");
  // Positions in Braze's answer follow the packed order, so keep the batch in that order too.
  batch.splice(0, batch.length, ...attributes, ...events);
  const body = {
    ...(attributes.length > 0 ? { attributes: attributes.map((row) => JSON.parse(row.payload)) } : {}),
    ...(events.length > 0 ? { events: events.map((row) => JSON.parse(row.payload)) } : {}),
  };
  const result = await postToBraze(connection.endpoint, connection.apiKey, "/users/track", body);
  return classifyTrackAnswer(result, attributes.length, batch.length);
}

async function sendDeletion(connection: Connection, row: DueDelivery): Promise<BatchOutcome> {
  const result = await postToBraze(connection.endpoint, connection.apiKey, "/users/delete", JSON.parse(row.payload));
  return classifyDeleteAnswer(result);
}

async function recordOutcome(connection: Connection, batch: DueDelivery[], outcome: BatchOutcome, retry: RetryPolicy) {
  const { shop } = connection;
  const now = new Date();
  switch (outcome.kind) {
    case "accepted": {
      const delivered = batch.filter((_, position) => !outcome.failed.has(position)).map((row) => row.id);
      const deletion = batch[0]?.kind === "delete" && outcome.failed.size === 0 ? batch[0] : undefined;
      await prisma.$transaction([
        ...(deletion
          ? [
              prisma.delivery.update({
                where: { id: deletion.id },
                data: { payload: forgottenDeletion(deletion.payload) },
              }),
            ]
          : []),
        prisma.delivery.updateMany({
          where: { id: { in: delivered } },
          data: {
            status: "delivered",
            deliveredAt: now,
            attempts: { increment: 1 },
            brazeResponse: outcome.response,
            lastError: null,
          },
        }),
        ...[...outcome.failed].map(([position, reason]) =>
          prisma.delivery.update({
            where: { id: batch[position]!.id },
            data: {
              status: "failed",
              attempts: { increment: 1 },
              lastError: `Braze refused this object: ${reason}`,
              brazeResponse: outcome.response,
            },
          }),
        ),
        // updateMany, not update: the same write without reading the whole shop row back (RETURNING every column);
        // ≈ 0.5 ms less per 75-object batch, about a fifth of this transaction (measured for `npm run bench`).
        prisma.shop.updateMany({ where: { domain: shop }, data: { lastDeliveredAt: now } }),
      ]);
      return;
    }
    case "rejected":
      await prisma.delivery.updateMany({
        where: { id: { in: batch.map((row) => row.id) } },
        data: {
          status: "failed",
          attempts: { increment: 1 },
          lastError: outcome.reason,
          brazeResponse: outcome.response,
        },
      });
      return;
    case "key_rejected":
      await markKeyRejected(shop, connection.sealedKey, outcome.reason);
      return;
    case "rate_limited":
      await prisma.shop.update({
        where: { domain: shop },
        data: { rateLimitedUntil: rateLimitedUntil(outcome.headers, now) },
      });
      return;
    case "transient":
      await prisma.$transaction(
        batch.map((row) => {
          const firstAttemptAt = row.firstAttemptAt ?? now;
          const attempts = row.attempts + 1;
          return prisma.delivery.update({
            where: { id: row.id },
            data: shouldDeadLetter(retry, firstAttemptAt, now)
              ? {
                  status: "dead_letter",
                  attempts,
                  firstAttemptAt,
                  lastError: `${outcome.reason}; gave up after ${attempts} attempts`,
                }
              : {
                  status: "retrying",
                  attempts,
                  firstAttemptAt,
                  lastError: outcome.reason,
                  nextAttemptAt: new Date(now.getTime() + backoffMs(retry, attempts)),
                },
          });
        }),
      );
  }
}

// Deliveries pause (nothing is counted against them) until the merchant reconnects. Only the key that was used is
// marked: if the merchant saved a new one meanwhile, a late 401 for the old key must not break the new connection.
async function markKeyRejected(shop: string, sealedKey: string, reason: string) {
  await prisma.shop.updateMany({
    where: { domain: shop, brazeApiKeyEncrypted: sealedKey },
    data: { connectionStatus: "broken", connectionError: reason },
  });
}
