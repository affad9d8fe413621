// 1. Ingest: signed Okendo review webhooks against the production build (DELIVERY_WORKER=off, a fresh SQLite
// file) at increasing concurrency, in slices alternating with three baselines at the same concurrency, each in
// its own process: the bare baseline (verify the signature, 200), the durable limit (verify, one INSERT with group
// commit, 200 after the commit) and the Remix floor (a second app process answering GET /healthz through its edge
// and Remix, no database). Then fixed-rate runs (the app and the durable limit) reporting the rate actually
// reached, and the row check: every 2xx the app gave is an InboundMessage row.
import autocannon from "autocannon";
import {
  cpuMs,
  createShops,
  freePort,
  openDatabase,
  rssMb,
  sampleRss,
  signReviews,
  startApp,
  startBaseline,
  startDurableLimit,
  type SignedRequest,
} from "./support.ts";

export interface IngestOptions {
  connections: number[];
  durationS: number; // per slice
  rounds: number; // alternating slices per server and level; the best one counts
  fixedRate: number; // requests/s for the latency run
  fixedRateS: number;
  appDir: string; // the snapshot of the production build (support.ts snapshotBuild)
}

export interface LoadStats {
  connections: number;
  durationS: number;
  sent: number;
  ok: number; // 2xx
  okPerS: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number; // connection errors and timeouts
  non2xx: number;
  cpuMsPerRequest: number; // CPU time the server process spent per response
}

export interface IngestLevel {
  connections: number;
  app: LoadStats;
  durable: LoadStats; // the durable limit: verify + one INSERT, group commit
  baseline: LoadStats; // bare: verify, 200
  floor: LoadStats; // Remix floor: GET /healthz on a second app process
  ofDurable: number; // app 2xx/s as a share of the durable limit's
  ofBare: number; // … and of the bare baseline's
  appRssPeakMb: number; // the app process while this level ran
}

export interface IngestResult {
  levels: IngestLevel[];
  // Fixed-rate runs: `rate` is the rate asked for, `okPerS` the rate reached (autocannon cannot exceed what the
  // server answers with its connections, so a slow server reaches less and its p99 is not "at" the asked rate).
  fixedRate: LoadStats & { rate: number };
  durableFixedRate: LoadStats & { rate: number };
  rows: { answered2xx: number; rows: number; missing: number; inFlightAtCutoff: number };
  rssPeakMb: number;
  rssByRowsMb: { rows: number; rssMb: number }[]; // after each level: does memory grow with the table?
  signedDuringRun: number; // requests the pre-signed pool did not cover (signed in the loop: should be 0)
}

// Hands out pre-signed requests in order; tops itself up (counted) if a run outpaces the estimate.
class SignedPool {
  private pool: SignedRequest[] = [];
  private cursor = 0;
  private made = 0;
  signedDuringRun = 0;
  private path: string;
  private cycle: boolean;
  constructor(path: string, cycle = false) {
    this.path = path;
    this.cycle = cycle;
  }

  fill(count: number) {
    this.pool = [...this.pool.slice(this.cursor), ...signReviews(this.path, count, this.made)];
    this.made += count;
    this.cursor = 0;
  }
  next(): SignedRequest {
    if (this.cursor >= this.pool.length) {
      if (this.cycle) this.cursor = 0;
      else {
        this.signedDuringRun += 1_000;
        this.fill(1_000);
      }
    }
    return this.pool[this.cursor++]!;
  }
}

async function load(
  target: { url: string; pid: number },
  connections: number,
  durationS: number,
  pool: SignedPool | null, // null: GET on target.url
  onOk: (id: string) => void = () => {},
  overallRate?: number,
): Promise<LoadStats> {
  const cpuBefore = cpuMs(target.pid);
  const result = await autocannon({
    url: target.url,
    connections,
    duration: durationS,
    ...(overallRate ? { overallRate } : {}),
    requests:
      pool === null
        ? [{ method: "GET" }]
        : [
            {
              // Each connection has one request in flight, so its context names the request being answered.
              setupRequest: (request, context) => {
                const signed = pool.next();
                (context as { id?: string }).id = signed.id;
                return { ...request, method: "POST", path: signed.path, headers: signed.headers, body: signed.body };
              },
              onResponse: (status, _body, context) => {
                if (status >= 200 && status < 300) onOk((context as { id: string }).id);
              },
            },
          ],
  });
  const ok = result["2xx"];
  return {
    connections,
    durationS: result.duration,
    sent: result.requests.sent,
    ok,
    okPerS: Math.round(ok / result.duration),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpuMsPerRequest: (cpuMs(target.pid) - cpuBefore) / Math.max(1, result.requests.total),
  };
}

const best = (runs: LoadStats[]) => runs.reduce((a, b) => (b.okPerS > a.okPerS ? b : a));

export async function benchIngest(options: IngestOptions, log: (line: string) => void): Promise<IngestResult> {
  const app = await startApp(options.appDir, { DELIVERY_WORKER: "off" });
  const floorApp = await startApp(options.appDir, { DELIVERY_WORKER: "off" });
  const baseline = await startBaseline(await freePort());
  const durable = await startDurableLimit(await freePort());
  const db = openDatabase(app.databaseUrl);
  const rss = sampleRss([app.pid]);
  try {
    const [shop] = await createShops(db, 1);
    const appPool = new SignedPool(shop!.webhookPath);
    const baselinePool = new SignedPool("/", true); // the bare baseline stores nothing, so replaying its pool is fair
    baselinePool.fill(10_000);
    const durablePool = new SignedPool("/"); // the durable limit stores each one: fresh ids, as the app gets
    const answered = new Set<string>();
    const onOk = (id: string) => answered.add(id);
    const floor = { url: `${floorApp.url}/healthz`, pid: floorApp.pid };
    const levels: IngestLevel[] = [];
    const rssByRowsMb: IngestResult["rssByRowsMb"] = [];
    let rssPeakMb = 0;
    let lastRate = 1_000;
    let lastDurableRate = 2_000;
    const fillFor = (pool: SignedPool, rate: number) =>
      pool.fill(Math.max(2_000, Math.ceil(rate * options.durationS * 1.5)));

    // Warm all four (JIT, prepared statements, SQLite page cache) outside the measurement.
    appPool.fill(500);
    durablePool.fill(500);
    await load(app, 4, 1, appPool, onOk);
    await load(durable, 4, 1, durablePool);
    await load(baseline, 4, 1, baselinePool);
    await load(floor, 4, 1, null);

    for (const connections of options.connections) {
      // The machine is shared: alternate the servers in short slices and keep each one's best slice, so a burst
      // of someone else's work does not land on one side of a ratio only.
      const slices: Record<"app" | "durable" | "baseline" | "floor", LoadStats[]> = {
        app: [],
        durable: [],
        baseline: [],
        floor: [],
      };
      rss.mark();
      for (let round = 0; round < options.rounds; round++) {
        slices.baseline.push(await load(baseline, connections, options.durationS, baselinePool));
        fillFor(durablePool, lastDurableRate);
        slices.durable.push(await load(durable, connections, options.durationS, durablePool));
        lastDurableRate = Math.max(lastDurableRate, slices.durable.at(-1)!.okPerS);
        fillFor(appPool, lastRate);
        slices.app.push(await load(app, connections, options.durationS, appPool, onOk));
        lastRate = Math.max(lastRate, slices.app.at(-1)!.okPerS, 100);
        slices.floor.push(await load(floor, connections, options.durationS, null));
      }
      const app2xx = best(slices.app);
      const level: IngestLevel = {
        connections,
        app: app2xx,
        durable: best(slices.durable),
        baseline: best(slices.baseline),
        floor: best(slices.floor),
        ofDurable: app2xx.okPerS / Math.max(1, best(slices.durable).okPerS),
        ofBare: app2xx.okPerS / Math.max(1, best(slices.baseline).okPerS),
        appRssPeakMb: rss.peak(),
      };
      rssPeakMb = Math.max(rssPeakMb, level.appRssPeakMb);
      levels.push(level);
      rssByRowsMb.push({ rows: await db.inboundMessage.count(), rssMb: Math.round(rssMb(app.pid)) });
      log(
        `  ingest c=${connections}: app ${level.app.okPerS} req/s p99 ${level.app.p99} ms ` +
          `(${(level.ofDurable * 100).toFixed(1)} % of durable ${level.durable.okPerS}, ` +
          `${(level.ofBare * 100).toFixed(1)} % of bare ${level.baseline.okPerS}); Remix floor ${level.floor.okPerS} req/s; ` +
          `CPU per request: app ${level.app.cpuMsPerRequest.toFixed(3)} ms, durable ${level.durable.cpuMsPerRequest.toFixed(3)} ms, ` +
          `bare ${level.baseline.cpuMsPerRequest.toFixed(3)} ms, floor ${level.floor.cpuMsPerRequest.toFixed(3)} ms; app RSS ${level.appRssPeakMb} MB`,
      );
    }

    const fixedCount = Math.ceil(options.fixedRate * options.fixedRateS * 1.2) + 1_000;
    appPool.fill(fixedCount);
    rss.mark();
    const fixed = await load(app, 10, options.fixedRateS, appPool, onOk, options.fixedRate);
    rssPeakMb = Math.max(rssPeakMb, rss.peak());
    durablePool.fill(fixedCount);
    const durableFixed = await load(durable, 10, options.fixedRateS, durablePool, undefined, options.fixedRate);
    log(
      `  ingest fixed ${options.fixedRate} req/s: app reached ${fixed.okPerS} req/s, p50 ${fixed.p50} ms p99 ${fixed.p99} ms, ` +
        `${fixed.non2xx} non-2xx; durable limit reached ${durableFixed.okPerS} req/s, p99 ${durableFixed.p99} ms`,
    );

    // Every 2xx must be a committed row. Rows beyond the 2xx count are requests that were still in flight
    // when a run's clock stopped (stored, but their answer was not read).
    const stored = new Set(
      (await db.inboundMessage.findMany({ select: { dedupeKey: true } })).map((row) => row.dedupeKey),
    );
    let missing = 0;
    for (const id of answered) if (!stored.has(id)) missing += 1;
    return {
      levels,
      fixedRate: { ...fixed, rate: options.fixedRate },
      durableFixedRate: { ...durableFixed, rate: options.fixedRate },
      rows: {
        answered2xx: answered.size,
        rows: stored.size,
        missing,
        inFlightAtCutoff: stored.size - (answered.size - missing),
      },
      rssPeakMb,
      rssByRowsMb,
      signedDuringRun: appPool.signedDuringRun,
    };
  } finally {
    rss.stop();
    await db.$disconnect();
    baseline.stop();
    durable.stop();
    await floorApp.stop();
    await app.stop();
  }
}
