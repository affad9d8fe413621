// Import history, the merchant's side: start a shop's history import, cancel it, and what the Okendo card shows of
// it. The import itself runs in the delivery worker's process (history-import-job.server.ts); this module only
// writes the request to the database and wakes the import loop in this process, so the page never waits on Okendo.
//
// One row per shop (HistoryImport) holds the latest import, which makes "one import per shop at a time" a
// conditional write: a second start finds the row running and says so.
import prisma from "../db.server";
import { wakeHistoryImports } from "../outbox/wake.server";
import { importProgress, type ImportCounters } from "./history-import-progress";

export type HistoryImportStatus = ImportCounters["status"];

// Everything the Okendo card shows of the shop's latest import.
export interface HistoryImportView {
  status: HistoryImportStatus;
  phase: ImportCounters["phase"];
  reviewsRead: number;
  reviewsCounted: number;
  reviewsUnattributed: number;
  customersFound: number;
  customersUpdated: number;
  percent: number;
  secondsLeft: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export type HistoryImportCommandResult = { ok: true; view: HistoryImportView | null } | { ok: false; error: string };

export const IMPORT_RUNNING =
  "An import of this shop's Okendo history is already running. Wait for it to finish or cancel it.";

type ImportRow = NonNullable<Awaited<ReturnType<typeof prisma.historyImport.findUnique>>>;

function view(row: ImportRow, now = new Date()): HistoryImportView {
  const counters = row as ImportRow & ImportCounters;
  const { percent, secondsLeft } = importProgress(counters, now);
  return {
    status: counters.status,
    phase: counters.phase,
    reviewsRead: row.reviewsRead,
    reviewsCounted: row.reviewsCounted,
    reviewsUnattributed: row.reviewsUnattributed,
    customersFound: row.customersFound,
    customersUpdated: row.customersUpdated,
    percent,
    secondsLeft,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
  };
}

export async function historyImportView(shop: string): Promise<HistoryImportView | null> {
  const row = await prisma.historyImport.findUnique({ where: { shop } });
  return row ? view(row) : null;
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

export async function startHistoryImport(shop: string): Promise<HistoryImportCommandResult> {
  const connection = await prisma.okendoConnection.findUnique({ where: { shop }, select: { shop: true } });
  if (!connection) return { ok: false, error: "Connect Okendo first: the import reads reviews through Okendo's API." };
  const fresh = {
    status: "running",
    phase: "reading",
    nextUrl: null,
    reviewsRead: 0,
    reviewsCounted: 0,
    reviewsUnattributed: 0,
    customersFound: 0,
    customersUpdated: 0,
    oldestReviewAt: null,
    readThroughAt: null,
    startedAt: new Date(),
    finishedAt: null,
    error: null,
    leaseOwner: null,
    leaseUntil: null,
  };
  // Only a finished, cancelled or failed import is replaced; a running one is left alone, whoever clicked first.
  const replaced = await prisma.historyImport.updateMany({ where: { shop, status: { not: "running" } }, data: fresh });
  if (replaced.count === 0) {
    try {
      await prisma.historyImport.create({ data: { shop, ...fresh } });
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, error: IMPORT_RUNNING };
      throw error;
    }
  }
  // The previous import's list of customers, if it was cancelled before its end.
  await prisma.historyImportCustomer.deleteMany({ where: { shop } });
  wakeHistoryImports();
  return { ok: true, view: await historyImportView(shop) };
}

export async function cancelHistoryImport(shop: string): Promise<HistoryImportCommandResult> {
  // The job notices at its next write (each is conditional on the import still running) and stops.
  await prisma.historyImport.updateMany({
    where: { shop, status: "running" },
    data: { status: "cancelled", finishedAt: new Date(), leaseOwner: null, leaseUntil: null },
  });
  await prisma.historyImportCustomer.deleteMany({ where: { shop } });
  return { ok: true, view: await historyImportView(shop) };
}
