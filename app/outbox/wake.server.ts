// Lets ingress in this process wake an idle worker at once instead of waiting for its next poll.
// Workers in other processes poll (DELIVERY_POLL_MS).
import { setTimeout as sleep } from "node:timers/promises";

type Waiter = () => void;
let waiters: Waiter[] = [];

export function wakeDeliveryWorker() {
  const current = waiters;
  waiters = [];
  for (const wake of current) wake();
}

export function sleepUntilWokenOr(ms: number, signal?: AbortSignal): Promise<void> {
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
}

/** Waits `ms`, or until `signal` aborts (the worker is stopping); never rejects. For loops that need no waking. */
export function pauseUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}
