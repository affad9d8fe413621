// How far a shop's history import has come and how long it has left, for the progress bar. Okendo's API does not
// say how many reviews there are, so the import reads them oldest first and measures its progress in time: having
// read up to the review written halfway between the oldest one and the moment the import started is taken as half
// way. Shops whose reviews are bunched in time get a rougher estimate; it is labelled as one.

export interface ImportCounters {
  status: "running" | "finished" | "cancelled" | "failed";
  phase: "reading" | "sending";
  startedAt: Date;
  oldestReviewAt: Date | null;
  readThroughAt: Date | null;
  customersFound: number;
  customersUpdated: number;
}

export interface ImportProgress {
  /** 0–100. */
  percent: number;
  /** Estimated; null when there is nothing to estimate from yet. */
  secondsLeft: number | null;
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

export function importProgress(counters: ImportCounters, now: Date): ImportProgress {
  if (counters.status === "finished") return { percent: 100, secondsLeft: 0 };
  if (counters.phase === "sending") {
    // Reading is done; what is left is writing the customers' attributes to the outbox, which takes seconds.
    const sent = counters.customersFound === 0 ? 1 : clamp(counters.customersUpdated / counters.customersFound);
    return { percent: Math.round(95 + 5 * sent), secondsLeft: sent >= 1 ? 0 : null };
  }
  const { oldestReviewAt: oldest, readThroughAt: through } = counters;
  if (!oldest || !through) return { percent: 0, secondsLeft: null };
  const span = counters.startedAt.getTime() - oldest.getTime();
  const done = span <= 0 ? 1 : clamp((through.getTime() - oldest.getTime()) / span);
  // Reading is most of the work; the last 5% are the attributes.
  const percent = Math.round(95 * done);
  if (done === 0) return { percent, secondsLeft: null };
  const elapsedMs = Math.max(0, now.getTime() - counters.startedAt.getTime());
  return { percent, secondsLeft: Math.round((elapsedMs * (1 - done)) / done / 1000) };
}
