// Lets work started in this process wake an idle loop at once instead of waiting for its next poll: an accepted
// message wakes the delivery worker, a started history import wakes the import loop. Each has its own channel, so
// the ingress (many wakes a second under load) never makes the import loop query for work it does not have.
// Loops in other processes poll.
import { setTimeout as sleep } from "node:timers/promises";

function wakeChannel() {
  let waiters: (() => void)[] = [];
  return {
    wake() {
      const current = waiters;
      waiters = [];
      for (const wake of current) wake();
    },
    sleepUntilWokenOr(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.push(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    },
  };
}

const deliveries = wakeChannel();
export const wakeDeliveryWorker = deliveries.wake;
export const sleepUntilWokenOr = deliveries.sleepUntilWokenOr;

const historyImports = wakeChannel();
export const wakeHistoryImports = historyImports.wake;
export const sleepUntilImportStartedOr = historyImports.sleepUntilWokenOr;

/** Waits `ms`, or until `signal` aborts (the worker is stopping); never rejects. For loops that need no waking. */
export function pauseUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}
