// The Import history progress bar's numbers: Okendo does not say how many reviews there are, so progress is read
// from the review dates (oldest first) and the time left is extrapolated from the time spent.
import { expect, it } from "vitest";
import { importProgress, type ImportCounters } from "../../app/okendo/history-import-progress.ts";

const startedAt = new Date("2026-12-01T12:00:00Z");
const reading = (over: Partial<ImportCounters> = {}): ImportCounters => ({
  status: "running",
  phase: "reading",
  startedAt,
  oldestReviewAt: new Date("2024-12-01T12:00:00Z"),
  readThroughAt: null,
  customersFound: 0,
  customersUpdated: 0,
  ...over,
});

it("has nothing to estimate from before the first page", () => {
  expect(importProgress(reading({ oldestReviewAt: null }), startedAt)).toEqual({ percent: 0, secondsLeft: null });
});

it("reads half the time span as half way, and extrapolates the time left from the time spent", () => {
  const halfway = reading({ readThroughAt: new Date("2025-12-01T12:00:00Z") });
  const progress = importProgress(halfway, new Date(startedAt.getTime() + 60_000));
  expect(progress.percent).toBeGreaterThan(45);
  expect(progress.percent).toBeLessThan(50);
  expect(progress.secondsLeft).toBeGreaterThan(55);
  expect(progress.secondsLeft).toBeLessThan(65);
});

it("keeps the last few percent for the attributes, and ends at 100", () => {
  const sending = reading({ phase: "sending", customersFound: 200, customersUpdated: 100 });
  expect(importProgress(sending, startedAt).percent).toBeGreaterThanOrEqual(95);
  expect(importProgress(sending, startedAt).percent).toBeLessThan(100);
  expect(importProgress({ ...sending, status: "finished" }, startedAt)).toEqual({ percent: 100, secondsLeft: 0 });
});

it("treats a shop whose reviews all date from one moment as read once that moment is reached", () => {
  const oneMoment = reading({ oldestReviewAt: startedAt, readThroughAt: startedAt });
  expect(importProgress(oneMoment, startedAt).percent).toBe(95);
});
