// The delivery worker's heartbeat: while a worker runs (in the web process or as `npm run worker`), it writes its row
// in WorkerHeartbeat every few seconds; the readiness check (checks.server.ts) counts the recent rows. A clean stop
// deletes the row; a killed process's row just goes stale and is removed by the next beat of any worker.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import prisma from "../db.server";

export const HEARTBEAT_INTERVAL_MS = 5_000;
// A worker counts as alive when it beat within this window: six missed beats, so a busy event loop or a slow
// database does not flap readiness.
export const HEARTBEAT_FRESH_MS = 30_000;
// Rows of workers gone this long are deleted (restarts leave one row per process id).
const HEARTBEAT_FORGET_MS = 3_600_000;

export function workerHeartbeat(signal: AbortSignal, intervalMs = HEARTBEAT_INTERVAL_MS): Promise<void> {
  // Host and pid name the process for people; the random part keeps two containers apart that share a host name
  // and run as pid 1 (host networking).
  return beat(`${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, signal, intervalMs);
}

async function beat(workerId: string, signal: AbortSignal, intervalMs: number) {
  const startedAt = new Date();
  while (!signal.aborted) {
    const now = new Date();
    try {
      await prisma.workerHeartbeat.upsert({
        where: { workerId },
        create: { workerId, startedAt, beatAt: now },
        update: { beatAt: now },
      });
      await prisma.workerHeartbeat.deleteMany({
        where: { beatAt: { lt: new Date(now.getTime() - HEARTBEAT_FORGET_MS) } },
      });
    } catch (error) {
      // Readiness will report the missing beat; the worker itself carries on.
      console.error(`[heartbeat] ${workerId}:`, error);
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => {}); // rejects when stopped: the loop ends
  }
  await prisma.workerHeartbeat.deleteMany({ where: { workerId } }).catch(() => {});
}
