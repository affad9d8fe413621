// 3. Fairness: one shop has a large backlog being drained; a signed review arrives for another shop through
// the ingress. How long until its objects reach the simulator? Measured a few times while the backlog lasts.
import {
  createShops,
  insertBacklog,
  openDatabase,
  setConnected,
  signReviews,
  sleep,
  startApp,
  waitUntil,
  type Simulator,
} from "./support.ts";

export interface FairnessResult {
  backlog: number;
  probes: { answeredMs: number; reachedBrazeMs: number; busyShopRemaining: number }[];
  maxMs: number;
  medianMs: number;
}

export async function benchFairness(
  appDir: string,
  simulator: Simulator,
  options: { backlog: number; probes: number },
  log: (line: string) => void,
): Promise<FairnessResult> {
  const app = await startApp(appDir, { BRAZE_EXTRA_ENDPOINTS: simulator.url });
  const db = openDatabase(app.databaseUrl);
  try {
    const [busy, other] = await createShops(db, 2, simulator.url, `fair-${Date.now()}`);
    await setConnected(db, [busy!], false);
    await insertBacklog(db, [busy!], options.backlog, "fair");
    await simulator.reset();
    await setConnected(db, [busy!], true);
    const objectsOf = async (apiKey: string) => (await simulator.stats()).perKey[apiKey] ?? { objects: 0, lastAt: 0 };
    await waitUntil(async () => (await objectsOf(busy!.apiKey)).objects >= 1_000, 60_000); // the drain is under way

    const probes: FairnessResult["probes"] = [];
    const requests = signReviews(other!.webhookPath, options.probes, 0);
    for (const request of requests) {
      const before = (await objectsOf(other!.apiKey)).objects;
      const sentAt = Date.now();
      const response = await fetch(app.url + request.path, {
        method: "POST",
        headers: request.headers,
        body: request.body.toString(),
      });
      const answeredMs = Date.now() - sentAt;
      if (response.status !== 200) throw new Error(`the ingress answered ${response.status}: ${await response.text()}`);
      const arrived = await waitUntil(
        async () => {
          const seen = await objectsOf(other!.apiKey);
          return seen.objects > before ? seen : false;
        },
        30_000,
        10,
      );
      const busyShopRemaining = options.backlog - (await objectsOf(busy!.apiKey)).objects;
      probes.push({ answeredMs, reachedBrazeMs: arrived.lastAt - sentAt, busyShopRemaining });
      await sleep(200);
    }
    const times = probes.map((probe) => probe.reachedBrazeMs).sort((a, b) => a - b);
    const result = {
      backlog: options.backlog,
      probes,
      maxMs: times.at(-1)!,
      medianMs: times[Math.floor(times.length / 2)]!,
    };
    log(
      `  fairness: other shop's event reached Braze in median ${result.medianMs} ms, max ${result.maxMs} ms ` +
        `(busy shop still had ${probes.at(-1)!.busyShopRemaining} objects queued)`,
    );
    return result;
  } finally {
    await db.$disconnect();
    await app.stop();
  }
}
