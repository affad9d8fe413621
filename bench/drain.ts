// 2. Drain (and 5. the same on Postgres with 1 and 3 worker processes): a backlog of queued Delivery rows for
// several shops, drained by the delivery worker to the Braze simulator. Compared in the same run with
// (a) a naive forwarder (one object per request, one request at a time) and (b) the simulator's own capacity
// (full 75-object requests from a few concurrent clients), both using fetch, the worker's HTTP client.
// 4. Memory: peak RSS of the draining process(es) per backlog size.
import { createTestDatabase } from "../tests/support/postgres.ts";
import {
  cpuMs,
  createShops,
  insertBacklog,
  openDatabase,
  reviewObjects,
  sampleRss,
  setConnected,
  sleep,
  startApp,
  startWorker,
  waitUntil,
  type App,
  type Proc,
  type Simulator,
} from "./support.ts";

export interface DrainRun {
  label: string;
  database: "sqlite" | "postgres";
  workers: string; // "in-process" or "N processes"
  heapCapMb: number | null; // --max-old-space-size of the draining process, when capped
  objects: number;
  seconds: number;
  objectsPerS: number;
  requests: number;
  requestsPerS: number;
  avgObjectsPerRequest: number;
  fullPct: number; // requests with 75 objects, of all requests
  fullPctWhileBacklog: number; // the same, leaving out each shop's last (partial) request
  received: number; // objects the simulator accepted
  distinct: number;
  lost: number;
  doubled: number;
  deliveredRows: number; // rows the database marks delivered
  rssPeakMb: number; // the app process, or the sum of the worker processes
  cpuMsPer1000: number; // CPU time of those processes per 1,000 objects delivered
}

export interface Baselines {
  naive: { objects: number; seconds: number; objectsPerS: number; extrapolatedS: number };
  capacity: { clients: number; seconds: number; requests: number; objectsPerS: number; requestsPerS: number };
}

const SHOPS = 8;

async function post(url: string, apiKey: string, body: string) {
  const response = await fetch(`${url}/users/track`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body,
  });
  await response.text();
  if (response.status !== 201) throw new Error(`simulator answered ${response.status}`);
}

// (a) What a small bridge does: for each event, one POST with one object, waiting for the answer.
// (b) The simulator's ceiling: full requests, prepared in advance, from several concurrent clients.
export async function measureBaselines(
  simulator: Simulator,
  options: { naiveObjects: number; capacityS: number },
): Promise<Baselines> {
  const objects = Array.from({ length: options.naiveObjects / 2 }, (_, n) =>
    reviewObjects(`naive-${n}`, `naive-${n}@example.com`),
  ).flat();
  await simulator.reset();
  let started = performance.now();
  for (const { kind, payload } of objects) {
    await post(
      simulator.url,
      "valid-naive",
      JSON.stringify({ [kind === "event" ? "events" : "attributes"]: [payload] }),
    );
  }
  const naiveSeconds = (performance.now() - started) / 1000;

  const full = JSON.stringify({
    attributes: objects
      .slice(0, 75)
      .filter((object) => object.kind === "attributes")
      .map((object) => object.payload),
    events: objects
      .slice(0, 75)
      .filter((object) => object.kind === "event")
      .map((object) => object.payload),
  });
  await simulator.reset({ countOnly: true });
  const clients = 4;
  started = performance.now();
  const until = started + options.capacityS * 1000;
  let requests = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await post(simulator.url, "valid-capacity", full);
        requests += 1;
      }
    }),
  );
  const capacitySeconds = (performance.now() - started) / 1000;
  await simulator.reset();
  const naivePerS = options.naiveObjects / naiveSeconds;
  return {
    naive: {
      objects: options.naiveObjects,
      seconds: naiveSeconds,
      objectsPerS: Math.round(naivePerS),
      extrapolatedS: 50_000 / naivePerS,
    },
    capacity: {
      clients,
      seconds: capacitySeconds,
      requests,
      requestsPerS: Math.round(requests / capacitySeconds),
      objectsPerS: Math.round((requests * 75) / capacitySeconds),
    },
  };
}

// One drain: write the backlog while the shops are disconnected, connect them all at once (the clock starts),
// wait until the simulator has every object, then check the rows and look for doubles.
async function drainOnce(
  simulator: Simulator,
  app: App,
  rssPids: number[],
  objects: number,
  label: string,
  description: Pick<DrainRun, "database" | "workers"> & { heapCapMb?: number },
  log: (line: string) => void,
): Promise<DrainRun> {
  const db = openDatabase(app.databaseUrl);
  const rss = sampleRss(rssPids);
  try {
    const tag = `${label.replace(/\W+/g, "-")}-${Date.now()}`;
    const shops = await createShops(db, SHOPS, simulator.url, tag);
    await setConnected(db, shops, false);
    await insertBacklog(db, shops, objects, tag);
    await simulator.reset();
    rss.mark();
    const cpuBefore = rssPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const started = Date.now();
    await setConnected(db, shops, true);

    const timeoutMs = Math.max(60_000, objects * 5); // 200 objects/s at the very least
    let tally = await simulator.stats();
    while (tally.objects < objects && Date.now() - started < timeoutMs) {
      await sleep(100);
      tally = await simulator.stats();
    }
    const cpuUsed = rssPids.reduce((sum, pid) => sum + cpuMs(pid), 0) - cpuBefore;
    await sleep(500); // anything sent twice would have arrived by now
    tally = await simulator.stats();
    const deliveredRows = await db.delivery.count({
      where: { shop: { in: shops.map((shop) => shop.domain) }, status: "delivered" },
    });

    const seconds = ((tally.lastAt ?? Date.now()) - started) / 1000;
    const tails = Math.min(SHOPS, tally.requests - tally.full);
    const run: DrainRun = {
      label,
      heapCapMb: null,
      ...description,
      objects,
      seconds,
      objectsPerS: Math.round(tally.objects / seconds),
      requests: tally.requests,
      requestsPerS: Math.round(tally.requests / seconds),
      avgObjectsPerRequest: tally.objects / Math.max(1, tally.requests),
      fullPct: (100 * tally.full) / Math.max(1, tally.requests),
      fullPctWhileBacklog: (100 * tally.full) / Math.max(1, tally.requests - tails),
      received: tally.objects,
      distinct: tally.distinct,
      lost: objects - tally.distinct,
      doubled: tally.doubled,
      deliveredRows,
      rssPeakMb: rss.peak(),
      cpuMsPer1000: (1000 * cpuUsed) / Math.max(1, tally.objects),
    };
    log(
      `  drain ${label}: ${run.objectsPerS} objects/s, ${run.requestsPerS} requests/s, ` +
        `${run.avgObjectsPerRequest.toFixed(1)} per request, lost ${run.lost}, doubled ${run.doubled}, RSS ${run.rssPeakMb} MB, ` +
        `CPU ${run.cpuMsPer1000.toFixed(0)} ms per 1,000 objects`,
    );
    return run;
  } finally {
    rss.stop();
    await db.$disconnect();
  }
}

// SQLite, the embedded default: the worker runs inside the web process. Two backlog sizes on the same
// process show whether memory grows with the backlog; the largest is drained once more by a process whose V8
// heap is capped, which tells memory the app holds on to from garbage V8 has simply not collected yet.
export async function benchDrainSqlite(
  appDir: string,
  simulator: Simulator,
  sizes: number[],
  cappedHeapMb: number,
  log: (line: string) => void,
): Promise<DrainRun[]> {
  const runs: DrainRun[] = [];
  const description = { database: "sqlite", workers: "in-process" } as const;
  const app = await startApp(appDir, { BRAZE_EXTRA_ENDPOINTS: simulator.url });
  try {
    for (const objects of sizes)
      runs.push(await drainOnce(simulator, app, [app.pid], objects, `sqlite ${objects / 1000}k`, description, log));
  } finally {
    await app.stop();
  }
  const capped = await startApp(appDir, {
    BRAZE_EXTRA_ENDPOINTS: simulator.url,
    NODE_OPTIONS: `--max-old-space-size=${cappedHeapMb}`,
  });
  try {
    // The same sequence (so the process is as warm), reporting the largest.
    for (const [index, objects] of sizes.entries()) {
      const label = `sqlite ${objects / 1000}k, heap ≤ ${cappedHeapMb} MB`;
      const run = await drainOnce(
        simulator,
        capped,
        [capped.pid],
        objects,
        label,
        { ...description, heapCapMb: cappedHeapMb },
        log,
      );
      if (index === sizes.length - 1) runs.push(run);
    }
  } finally {
    await capped.stop();
  }
  return runs;
}

// Postgres, scaled out: the web process only accepts (DELIVERY_WORKER=off); `npm run worker` processes drain.
export async function benchDrainPostgres(
  appDir: string,
  simulator: Simulator,
  objects: number,
  workerCounts: number[],
  log: (line: string) => void,
): Promise<DrainRun[]> {
  const database = await createTestDatabase();
  const app = await startApp(appDir, {
    DATABASE_URL: database.url,
    DELIVERY_WORKER: "off",
    BRAZE_EXTRA_ENDPOINTS: simulator.url,
  });
  const runs: DrainRun[] = [];
  let workers: Proc[] = [];
  try {
    for (const count of workerCounts) {
      workers = Array.from({ length: count }, () => startWorker(app));
      // Started and polling before the clock starts.
      await waitUntil(() => workers.every((worker) => worker.output().includes("started")), 30_000);
      const label = `postgres ${count} worker${count > 1 ? "s" : ""}`;
      const workersLabel = `${count} process${count > 1 ? "es" : ""}`;
      runs.push(
        await drainOnce(
          simulator,
          app,
          workers.map((worker) => worker.pid),
          objects,
          label,
          { database: "postgres", workers: workersLabel },
          log,
        ),
      );
      await Promise.all(workers.map((worker) => worker.stop()));
      workers = [];
    }
    return runs;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await app.stop();
    await database.drop();
  }
}
