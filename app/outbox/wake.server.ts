// Lets ingress in this process wake an idle worker at once instead of waiting for its next poll.
// Workers in other processes poll (DELIVERY_POLL_MS).
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
