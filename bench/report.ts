// Turns one run's results into the printed table, the one-line summary, and the SVG chart.
import type { Baselines, DrainRun } from "./drain.ts";
import type { FairnessResult } from "./fairness.ts";
import type { IngestResult } from "./ingest.ts";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  loadBefore: number[];
  loadAfter: number[];
}

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  machine: Machine;
  ingest?: IngestResult;
  baselines?: Baselines;
  drain?: DrainRun[];
  fairness?: FairnessResult;
  postgres?: DrainRun[];
}

export interface Target {
  name: string;
  goal: string;
  actual: string;
  met: boolean;
}

const n = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (value: number, digits = 0) => `${n(value * 100, digits)} %`;

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return cells
    .map((row, index) => (index === 0 ? line(row) + "\n" + widths.map((w) => "─".repeat(w)).join("  ") : line(row)))
    .join("\n");
}

// The SQLite drains in the default configuration (not the heap-capped experiment); the largest one is "the" drain.
const defaultDrains = (results: BenchResults) => (results.drain ?? []).filter((run) => run.heapCapMb === null);
const sqliteDrain = (results: BenchResults) => defaultDrains(results).at(-1);

// --- targets -----------------------------------------------------------------------------------------

export function targets(results: BenchResults): Target[] {
  const list: Target[] = [];
  const { ingest, baselines, fairness } = results;
  if (ingest) {
    const best = bestRatio(ingest);
    list.push({
      name: "ingest vs bare baseline",
      goal: "≥ 40 %",
      actual: `${pct(best.ratio, 1)} (c=${best.connections})`,
      met: best.ratio >= 0.4,
    });
    const p99 = ingest.fixedRate.p99;
    list.push({
      name: `ingest p99 at ${ingest.fixedRate.rate} req/s`,
      goal: "≤ 50 ms",
      actual: `${p99} ms`,
      met: p99 <= 50 && ingest.fixedRate.non2xx === 0,
    });
  }
  const drain = sqliteDrain(results);
  if (drain) {
    list.push({
      name: "drain on SQLite",
      goal: "≥ 10,000 objects/s",
      actual: `${n(drain.objectsPerS)} objects/s`,
      met: drain.objectsPerS >= 10_000,
    });
    if (baselines) {
      const ratio = drain.objectsPerS / baselines.naive.objectsPerS;
      list.push({ name: "drain vs naive forwarder", goal: "≥ 20×", actual: `${n(ratio, 1)}×`, met: ratio >= 20 });
    }
    list.push({
      name: "full requests while a backlog exists",
      goal: "≥ 95 %",
      actual: `${n(drain.fullPctWhileBacklog, 1)} %`,
      met: drain.fullPctWhileBacklog >= 95,
    });
  }
  if (fairness) {
    list.push({
      name: "other shop's event reaches Braze",
      goal: "≤ 2 s",
      actual: `max ${n(fairness.maxMs)} ms`,
      met: fairness.maxMs <= 2_000,
    });
  }
  const memory = memorySummary(results);
  if (memory) {
    list.push({ name: "peak RSS", goal: "≤ 256 MB", actual: `${memory.peak} MB`, met: memory.peak <= 256 });
    if (memory.small && memory.large) {
      const growth = memory.large.rssPeakMb - memory.small.rssPeakMb;
      list.push({
        name: `RSS flat as backlog grows`,
        goal: "flat",
        actual: `${memory.small.rssPeakMb} MB at ${memory.small.objects / 1000}k → ${memory.large.rssPeakMb} MB at ${memory.large.objects / 1000}k`,
        met: growth <= 32,
      });
    }
  }
  return list;
}

function bestRatio(ingest: IngestResult) {
  const appPeak = Math.max(...ingest.levels.map((level) => level.app.okPerS));
  const basePeak = Math.max(...ingest.levels.map((level) => level.baseline.okPerS));
  const atPeak = ingest.levels.find((level) => level.app.okPerS === appPeak)!;
  return { ratio: appPeak / basePeak, connections: atPeak.connections, appPeak, basePeak };
}

function memorySummary(results: BenchResults) {
  const drains = defaultDrains(results);
  const peaks = [results.ingest?.rssPeakMb ?? 0, ...drains.map((run) => run.rssPeakMb)];
  if (peaks.every((peak) => peak === 0)) return null;
  const capped = (results.drain ?? []).find((run) => run.heapCapMb !== null);
  return { peak: Math.max(...peaks), small: drains[0], large: drains.length > 1 ? drains.at(-1) : undefined, capped };
}

// Integrity failures (not targets) fail the run.
export function integrityProblems(results: BenchResults): string[] {
  const problems: string[] = [];
  const rows = results.ingest?.rows;
  if (rows && rows.missing > 0) problems.push(`${rows.missing} answered 2xx without an InboundMessage row`);
  for (const run of [...(results.drain ?? []), ...(results.postgres ?? [])]) {
    if (run.lost > 0) problems.push(`${run.label}: ${run.lost} objects never reached the simulator`);
    if (run.doubled > 0) problems.push(`${run.label}: ${run.doubled} objects reached it twice`);
    if (run.deliveredRows !== run.objects)
      problems.push(`${run.label}: ${run.deliveredRows} of ${run.objects} rows marked delivered`);
  }
  return problems;
}

// --- printed report ----------------------------------------------------------------------------------

export function renderTable(results: BenchResults): string {
  const out: string[] = [];
  const { machine, ingest, baselines, fairness } = results;
  out.push(
    `Okendo → Braze bench · ${results.startedAt}${results.quick ? " · --quick" : ""}\n` +
      `${machine.cpus} × ${machine.cpuModel}, ${n(machine.memoryGb, 1)} GB, Node ${machine.node}, ` +
      `load average ${machine.loadBefore.map((l) => l.toFixed(1)).join(" ")} before → ${machine.loadAfter.map((l) => l.toFixed(1)).join(" ")} after`,
  );
  if (ingest) {
    out.push(
      "\n1. INGEST — signed Okendo review.create webhooks, production build, DELIVERY_WORKER=off, SQLite; " +
        "per level the best of alternating slices (app, bare baseline, Remix floor)",
    );
    out.push(
      table(
        [
          "conns",
          "app 2xx/s",
          "p50 ms",
          "p99 ms",
          "errors",
          "non-2xx",
          "CPU ms/req",
          "baseline/s",
          "p50 ms",
          "p99 ms",
          "CPU ms/req",
          "app/baseline",
          "Remix floor/s",
        ],
        ingest.levels.map((level) => [
          level.connections,
          n(level.app.okPerS),
          level.app.p50,
          level.app.p99,
          level.app.errors,
          level.app.non2xx,
          n(level.app.cpuMsPerRequest, 2),
          n(level.baseline.okPerS),
          level.baseline.p50,
          level.baseline.p99,
          n(level.baseline.cpuMsPerRequest, 3),
          pct(level.ratio, 1),
          n(level.floor.okPerS),
        ]),
      ),
    );
    const fixed = ingest.fixedRate;
    out.push(
      `fixed rate ${fixed.rate} req/s for ${n(fixed.durationS, 1)} s (${fixed.connections} connections): ${n(fixed.okPerS)} 2xx/s, ` +
        `p50 ${fixed.p50} ms, p90 ${fixed.p90} ms, p99 ${fixed.p99} ms, max ${fixed.max} ms, ${fixed.errors} errors, ${fixed.non2xx} non-2xx`,
    );
    const rows = ingest.rows;
    out.push(
      `rows: ${n(rows.answered2xx)} answered 2xx, ${n(rows.rows)} InboundMessage rows, ${rows.missing} 2xx without a row, ` +
        `${rows.inFlightAtCutoff} stored but still in flight when a run's clock stopped` +
        (ingest.signedDuringRun > 0
          ? ` (${ingest.signedDuringRun} requests were signed during the run: the pool ran short)`
          : ""),
    );
    out.push(
      `app RSS: peak ${ingest.rssPeakMb} MB; by table size ${ingest.rssByRowsMb.map((point) => `${n(point.rows)} rows ${point.rssMb} MB`).join(", ")}`,
    );
  }
  const runs = [...(results.drain ?? []), ...(results.postgres ?? [])];
  if (runs.length > 0) {
    out.push("\n2./5. DRAIN — queued review objects (attributes + event per review) for 8 shops → Braze simulator");
    out.push(
      table(
        [
          "run",
          "workers",
          "objects",
          "seconds",
          "objects/s",
          "req/s",
          "obj/req",
          "full %",
          "full % backlog",
          "lost",
          "doubled",
          "rows delivered",
          "RSS MB",
          "CPU ms/1k",
        ],
        runs.map((run) => [
          run.label,
          run.workers,
          n(run.objects),
          n(run.seconds, 2),
          n(run.objectsPerS),
          n(run.requestsPerS),
          n(run.avgObjectsPerRequest, 1),
          n(run.fullPct, 1),
          n(run.fullPctWhileBacklog, 1),
          run.lost,
          run.doubled,
          n(run.deliveredRows),
          run.rssPeakMb,
          n(run.cpuMsPer1000),
        ]),
      ),
    );
  }
  if (baselines) {
    const { naive, capacity } = baselines;
    out.push(
      `naive forwarder (one object per request, one at a time, fetch): ${n(naive.objectsPerS)} objects/s on ${n(naive.objects)} objects ` +
        `→ 50,000 would take ${n(naive.extrapolatedS)} s`,
    );
    out.push(
      `simulator capacity (${capacity.clients} clients, pre-built 75-object requests): ${n(capacity.requestsPerS)} req/s = ${n(capacity.objectsPerS)} objects/s`,
    );
    for (const run of runs) {
      out.push(
        `  ${run.label}: ${n(run.objectsPerS / naive.objectsPerS, 1)}× the naive forwarder, ${pct(run.objectsPerS / capacity.objectsPerS)} of the simulator's capacity`,
      );
    }
  }
  if (fairness) {
    out.push(`\n3. FAIRNESS — ${n(fairness.backlog)} objects queued for one shop, one signed review for another shop`);
    out.push(
      fairness.probes
        .map(
          (probe, index) =>
            `probe ${index + 1}: answered in ${probe.answeredMs} ms, at Braze after ${probe.reachedBrazeMs} ms (busy shop: ${n(probe.busyShopRemaining)} still queued)`,
        )
        .join("\n"),
    );
  }
  const memory = memorySummary(results);
  if (memory) {
    out.push(
      `\n4. MEMORY — peak RSS: ingest ${results.ingest?.rssPeakMb ?? "–"} MB; ${(results.drain ?? []).map((run) => `${run.label} ${run.rssPeakMb} MB`).join(", ")}`,
    );
    if (memory.capped && memory.large) {
      out.push(
        `with the V8 heap capped at ${memory.capped.heapCapMb} MB the same ${n(memory.capped.objects)}-object drain peaks at ${memory.capped.rssPeakMb} MB ` +
          `(${n(memory.capped.objectsPerS)} vs ${n(memory.large.objectsPerS)} objects/s uncapped): growth above that is garbage V8 had not collected yet, not data the app keeps`,
      );
    }
  }
  const list = targets(results);
  if (list.length > 0) {
    out.push("\nTARGETS (reported, not asserted)");
    out.push(
      table(
        ["target", "goal", "this run", ""],
        list.map((target) => [target.name, target.goal, target.actual, target.met ? "met" : "NOT MET"]),
      ),
    );
  }
  return out.join("\n");
}

export function summaryLine(results: BenchResults): string {
  const problems = integrityProblems(results);
  const parts: string[] = [problems.length === 0 ? "BENCH OK" : `BENCH FAIL (${problems.join("; ")})`];
  if (results.ingest) {
    const best = bestRatio(results.ingest);
    parts.push(
      `ingest ${n(best.appPeak)} req/s = ${pct(best.ratio, 1)} of baseline ${n(best.basePeak)}, p99 ${results.ingest.fixedRate.p99} ms at ${results.ingest.fixedRate.rate} req/s, ` +
        `${n(results.ingest.rows.answered2xx)} 2xx/${n(results.ingest.rows.rows)} rows`,
    );
  }
  const drain = sqliteDrain(results);
  if (drain && results.baselines) {
    parts.push(
      `drain SQLite ${n(drain.objectsPerS)} objects/s = ${n(drain.objectsPerS / results.baselines.naive.objectsPerS, 1)}× naive, ` +
        `${pct(drain.objectsPerS / results.baselines.capacity.objectsPerS)} of simulator, ${n(drain.fullPctWhileBacklog, 1)} % full`,
    );
  }
  if (results.fairness) parts.push(`other shop ${n(results.fairness.maxMs)} ms`);
  const memory = memorySummary(results);
  if (memory) {
    parts.push(
      `RSS ≤ ${memory.peak} MB${memory.small && memory.large ? ` (${memory.small.rssPeakMb}→${memory.large.rssPeakMb} MB for ${memory.small.objects / 1000}k→${memory.large.objects / 1000}k)` : ""}`,
    );
  }
  if (results.postgres?.length)
    parts.push(
      `Postgres ${results.postgres.map((run) => `${run.workers.split(" ")[0]}w ${n(run.objectsPerS)}`).join(" / ")} objects/s`,
    );
  const list = targets(results);
  if (list.length > 0) parts.push(`targets met ${list.filter((target) => target.met).length}/${list.length}`);
  return parts.join(" | ");
}

// --- SVG chart ---------------------------------------------------------------------------------------

// Two panels over the concurrency levels: throughput (2xx/s) and latency (p50 solid, p99 dashed), both on
// log scales because the app and the bare baseline differ by an order of magnitude or more.
export function renderChart(results: BenchResults): string {
  const ingest = results.ingest;
  if (!ingest) return "";
  const width = 960;
  const height = 430;
  const panel = { w: 380, h: 260, top: 70 };
  const lefts = [80, 560];
  const levels = ingest.levels;
  const x = (left: number, index: number) =>
    left + (levels.length === 1 ? panel.w / 2 : (index * panel.w) / (levels.length - 1));
  const logScale = (values: number[]) => {
    const positive = values.filter((value) => value > 0);
    const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = Math.ceil(Math.log10(Math.max(...positive, 10)));
    return {
      lo,
      hi,
      y: (value: number) =>
        panel.top + panel.h - ((Math.log10(Math.max(value, 10 ** lo)) - lo) / (hi - lo || 1)) * panel.h,
    };
  };
  const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts: string[] = [];
  const axes = (left: number, title: string, scale: ReturnType<typeof logScale>, unit: string) => {
    parts.push(
      `<text x="${left + panel.w / 2}" y="${panel.top - 14}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    );
    for (let power = scale.lo; power <= scale.hi; power++) {
      const y = scale.y(10 ** power);
      parts.push(`<line x1="${left}" x2="${left + panel.w}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      parts.push(
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${n(10 ** power, power < 0 ? -power : 0)}</text>`,
      );
    }
    levels.forEach((level, index) => {
      parts.push(
        `<text x="${x(left, index)}" y="${panel.top + panel.h + 18}" text-anchor="middle">${level.connections}</text>`,
      );
    });
    parts.push(
      `<text x="${left + panel.w / 2}" y="${panel.top + panel.h + 38}" text-anchor="middle">concurrent connections</text>`,
    );
    parts.push(
      `<text x="${left - 56}" y="${panel.top + panel.h / 2}" text-anchor="middle" transform="rotate(-90 ${left - 56} ${panel.top + panel.h / 2})">${unit}</text>`,
    );
  };
  const series = (
    left: number,
    scale: ReturnType<typeof logScale>,
    values: number[],
    color: string,
    dashed = false,
  ) => {
    const points = values.map((value, index) => `${x(left, index).toFixed(1)},${scale.y(value).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ""} points="${points.join(" ")}"/>`,
    );
    for (const point of points) {
      const [cx, cy] = point.split(",");
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
    }
  };
  const colors = { app: "#d9480f", baseline: "#1971c2", floor: "#868e96" };

  const throughput = logScale(levels.flatMap((level) => [level.app.okPerS, level.baseline.okPerS, level.floor.okPerS]));
  axes(lefts[0]!, "Throughput (responses/s, log scale)", throughput, "responses/s");
  series(
    lefts[0]!,
    throughput,
    levels.map((level) => level.baseline.okPerS),
    colors.baseline,
  );
  series(
    lefts[0]!,
    throughput,
    levels.map((level) => level.floor.okPerS),
    colors.floor,
  );
  series(
    lefts[0]!,
    throughput,
    levels.map((level) => level.app.okPerS),
    colors.app,
  );

  // autocannon reports whole milliseconds: 0 means under 1 ms and is drawn at 1.
  const ms = (value: number) => Math.max(1, value);
  const latency = logScale(
    levels.flatMap((level) => [ms(level.app.p50), ms(level.app.p99), ms(level.baseline.p50), ms(level.baseline.p99)]),
  );
  axes(lefts[1]!, "Latency (ms, log scale): p50 solid, p99 dashed", latency, "ms (under 1 ms drawn at 1)");
  for (const [name, color] of [
    ["baseline", colors.baseline],
    ["app", colors.app],
  ] as const) {
    series(
      lefts[1]!,
      latency,
      levels.map((level) => ms(level[name].p50)),
      color,
    );
    series(
      lefts[1]!,
      latency,
      levels.map((level) => ms(level[name].p99)),
      color,
      true,
    );
  }

  const legend = [
    [colors.app, "app (POST, signed review, stored)"],
    [colors.baseline, "bare baseline (verify signature, 200)"],
    [colors.floor, "Remix floor (GET 405 on the route, no DB)"],
  ];
  legend.forEach(([color, label], index) => {
    const lx = 80 + index * 300;
    parts.push(
      `<rect x="${lx}" y="${height - 22}" width="14" height="4" fill="${color}"/><text x="${lx + 20}" y="${height - 16}">${esc(label!)}</text>`,
    );
  });
  const title = `Okendo → Braze ingest · ${results.startedAt} · ${results.machine.cpus} × ${results.machine.cpuModel} · fixed ${ingest.fixedRate.rate} req/s: p99 ${ingest.fixedRate.p99} ms`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}
