// 1. Ingest: signed Okendo review webhooks against the production build (DELIVERY_WORKER=off, a fresh SQLite
// file) at increasing concurrency, in slices alternating with the bare baseline and the Remix floor at the same
// concurrency. Then a fixed-rate run, and the row check: every 2xx the app gave is an InboundMessage row.
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

export interface IngestResult {
  // floor: GET on the same route (its 405 loader) — Express and Remix only, no body, no signature, no database.
  levels: { connections: number; app: LoadStats; baseline: LoadStats; floor: LoadStats; ratio: number }[];
  fixedRate: LoadStats & { rate: number };
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
  pool: SignedPool | null, // null: plain GETs
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
  const ok = pool === null ? result.requests.total : result["2xx"]; // the floor answers 405 by design
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
  const baseline = await startBaseline(await freePort());
  const db = openDatabase(app.databaseUrl);
  const rss = sampleRss([app.pid]);
  try {
    const [shop] = await createShops(db, 1);
    const appPool = new SignedPool(shop!.webhookPath);
    const baselinePool = new SignedPool("/", true); // the baseline stores nothing, so replaying its pool is fair
    baselinePool.fill(10_000);
    const answered = new Set<string>();
    const onOk = (id: string) => answered.add(id);
    const floorTarget = { url: `${app.url}${shop!.webhookPath}`, pid: app.pid };
    const levels: IngestResult["levels"] = [];
    const rssByRowsMb: IngestResult["rssByRowsMb"] = [];
    let lastRate = 1_000;

    // Warm both (JIT, connection pools, SQLite page cache) outside the measurement.
    appPool.fill(500);
    await load(app, 4, 1, appPool, onOk);
    await load(baseline, 4, 1, baselinePool);

    for (const connections of options.connections) {
      // The machine is shared: alternate the three servers in short slices and keep each one's best slice,
      // so a burst of someone else's work does not land on one side of the ratio only.
      const slices: { app: LoadStats[]; baseline: LoadStats[]; floor: LoadStats[] } = {
        app: [],
        baseline: [],
        floor: [],
      };
      for (let round = 0; round < options.rounds; round++) {
        slices.baseline.push(await load(baseline, connections, options.durationS, baselinePool));
        appPool.fill(Math.max(2_000, Math.ceil(lastRate * options.durationS * 1.5)));
        slices.app.push(await load(app, connections, options.durationS, appPool, onOk));
        lastRate = Math.max(lastRate, slices.app.at(-1)!.okPerS, 100);
        slices.floor.push(await load(floorTarget, connections, options.durationS, null));
      }
      const level = {
        connections,
        app: best(slices.app),
        baseline: best(slices.baseline),
        floor: best(slices.floor),
        ratio: 0,
      };
      level.ratio = level.app.okPerS / Math.max(1, level.baseline.okPerS);
      levels.push(level);
      rssByRowsMb.push({ rows: await db.inboundMessage.count(), rssMb: Math.round(rssMb(app.pid)) });
      log(
        `  ingest c=${connections}: app ${level.app.okPerS} req/s p99 ${level.app.p99} ms, ` +
          `baseline ${level.baseline.okPerS} req/s p99 ${level.baseline.p99} ms → ${(level.ratio * 100).toFixed(1)} %; ` +
          `Remix floor ${level.floor.okPerS} req/s; CPU per request: app ${level.app.cpuMsPerRequest.toFixed(2)} ms, ` +
          `baseline ${level.baseline.cpuMsPerRequest.toFixed(3)} ms`,
      );
    }

    appPool.fill(Math.ceil(options.fixedRate * options.fixedRateS * 1.2) + 1_000);
    const fixed = await load(app, 10, options.fixedRateS, appPool, onOk, options.fixedRate);
    log(`  ingest fixed ${options.fixedRate} req/s: p50 ${fixed.p50} ms p99 ${fixed.p99} ms, ${fixed.non2xx} non-2xx`);

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
      rows: {
        answered2xx: answered.size,
        rows: stored.size,
        missing,
        inFlightAtCutoff: stored.size - (answered.size - missing),
      },
      rssPeakMb: rss.peak(),
      rssByRowsMb,
      signedDuringRun: appPool.signedDuringRun,
    };
  } finally {
    rss.stop();
    await db.$disconnect();
    baseline.stop();
    await app.stop();
  }
}
