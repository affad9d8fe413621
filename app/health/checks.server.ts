// Liveness and readiness, served as JSON by /healthz and /readyz (routes/healthz.tsx, routes/readyz.tsx).
// - Liveness: the process answers. Nothing else, so an orchestrator restarts only a process that is truly stuck.
// - Readiness: the database answers; every committed migration is applied as committed (the `_app_migrations`
//   ledger matches prisma/migrations*, checksums included); and at least one delivery worker — the one inside a web
//   process, or an `npm run worker` process — beat within the last 30 s (heartbeat.server.ts).
import prisma, { dialect } from "../db.server";
import { MIGRATION_FOLDERS, committedMigrations, compareWithLedger, type Migration } from "../migrations.mjs";
import { HEARTBEAT_FRESH_MS } from "./heartbeat.server";

export interface Check {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  status: "ready" | "not ready";
  checks: { database: Check; migrations: Check; worker: Check };
}

// A check that takes longer than this fails: a probe must answer even when the database hangs.
const CHECK_TIMEOUT_MS = 2_000;
const startedAt = Date.now();

export function liveness() {
  return { status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
}

export async function readiness(): Promise<Readiness> {
  const database = await check(async () => {
    await prisma.$queryRawUnsafe("SELECT 1");
    return `${dialect} reachable`;
  });
  const notChecked = { ok: false, detail: "not checked: the database is unreachable" };
  const migrations = database.ok ? await check(migrationsApplied) : notChecked;
  const worker = database.ok ? await check(workerAlive) : notChecked;
  const ready = database.ok && migrations.ok && worker.ok;
  return { status: ready ? "ready" : "not ready", checks: { database, migrations, worker } };
}

let committed: Migration[] | undefined; // the committed files do not change while the process runs

async function migrationsApplied(): Promise<string> {
  committed ??= committedMigrations(MIGRATION_FOLDERS[dialect]);
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string; checksum: string | null }>>(
    'SELECT name, checksum FROM "_app_migrations"',
  );
  const ledger = compareWithLedger(committed, new Map(rows.map((row) => [row.name, row.checksum])));
  const names = (migrations: Migration[]) => migrations.map((migration) => migration.name).join(", ");
  if (ledger.pending.length > 0) throw new Error(`not applied: ${names(ledger.pending)} (npm start applies them)`);
  if (ledger.edited.length > 0) throw new Error(`changed after they were applied: ${names(ledger.edited)}`);
  const newer = ledger.unknown.length > 0 ? `; also applied by a newer version: ${ledger.unknown.join(", ")}` : "";
  return `${committed.length} of ${committed.length} applied${newer}`;
}

async function workerAlive(): Promise<string> {
  const since = new Date(Date.now() - HEARTBEAT_FRESH_MS);
  const alive = await prisma.workerHeartbeat.count({ where: { beatAt: { gte: since } } });
  if (alive > 0) return `${alive} delivery worker${alive === 1 ? "" : "s"} alive`;
  const last = await prisma.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" } });
  throw new Error(
    last
      ? `no delivery worker beat in the last ${HEARTBEAT_FRESH_MS / 1000} s (last beat ${last.beatAt.toISOString()})`
      : "no delivery worker is running (DELIVERY_WORKER=off here, and no npm run worker process)",
  );
}

async function check(run: () => Promise<string>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return { ok: true, detail: await Promise.race([run(), timeout]) };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
