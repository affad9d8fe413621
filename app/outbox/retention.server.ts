// Retention: the outbox doubles as the activity log, so finished rows would pile up forever. The delivery worker
// prunes rows that need nothing more — delivered, skipped, replayed (the Activity page's Retry read the message
// again and added new rows) or cancelled (the shop uninstalled the app) — once they are older than
// DELIVERY_RETENTION_DAYS, together with the inbound messages left without any row. Rows that still
// matter (queued, retrying, failed, dead letter, unmapped) are never pruned, whatever their age. The Events card's
// counts live in EventDailyCount and are not affected.
//
// Cheap by design: at most once per DELIVERY_PRUNE_INTERVAL_MS per process, in chunks of CHUNK_SIZE rows, at most
// MAX_CHUNKS chunks a run (a backlog is worked off over the following runs), each chunk its own short statement.
import prisma from "../db.server";
import { pruneFinished } from "./transitions.server";
import { pauseUnlessStopped } from "./wake.server";

export interface RetentionPolicy {
  retentionDays: number;
  intervalMs: number;
  chunkSize: number;
  maxChunks: number;
}

const DAY_MS = 86_400_000;
export const DEFAULT_RETENTION_DAYS = 30;

function positive(value: string | undefined, fallback: number, minimum: number): number {
  const number = Number(value);
  return value && Number.isFinite(number) && number >= minimum ? number : fallback;
}

// Fewer than 1 day would forget a message's dedupe key while its sender may still redeliver it (Okendo's
// webhooks retry for about a day), so smaller values fall back to the default.
export function retentionPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetentionPolicy {
  return {
    retentionDays: positive(env.DELIVERY_RETENTION_DAYS, DEFAULT_RETENTION_DAYS, 1),
    intervalMs: positive(env.DELIVERY_PRUNE_INTERVAL_MS, 60_000, 10),
    chunkSize: 500,
    maxChunks: 20,
  };
}

export interface PruneResult {
  deliveries: number;
  inboundMessages: number;
}

export async function pruneOldDeliveries(policy: RetentionPolicy, now = new Date()): Promise<PruneResult> {
  const olderThan = new Date(now.getTime() - policy.retentionDays * DAY_MS);
  const result: PruneResult = { deliveries: 0, inboundMessages: 0 };
  for (let chunk = 0; chunk < policy.maxChunks; chunk++) {
    const pruned = await pruneFinished(olderThan, policy.chunkSize);
    result.deliveries += pruned.deliveries;
    if (pruned.inboundIds.length > 0) {
      const inbound = await prisma.inboundMessage.deleteMany({
        where: { id: { in: pruned.inboundIds }, deliveries: { none: {} } },
      });
      result.inboundMessages += inbound.count;
    }
    if (pruned.rows < policy.chunkSize) break;
  }
  return result;
}

// The worker's pruning loop: one run at start, then one per interval, until stopped.
export async function pruneLoop(policy: RetentionPolicy, signal: AbortSignal) {
  while (!signal.aborted) {
    try {
      await pruneOldDeliveries(policy);
    } catch (error) {
      console.error("[retention] pruning failed; trying again at the next interval:", error);
    }
    await pauseUnlessStopped(policy.intervalMs, signal);
  }
}
