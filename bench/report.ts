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

// --- targets ---------------------------------------------------------------------------------------

// The issue's targets (issue 9), reported where we stand; never asserted.
export function targets(results: BenchResults): Target[] {
  const list: Target[] = [];
  const { ingest, baselines, fairness } = results;
  if (ingest) {
    const peak = ingestPeak(ingest);
    list.push({
      name: "ingest vs durable limit",
      goal: "≥ 40 %",
      actual: `${pct(peak.ofDurable, 1)} (${n(peak.appPeak)} of ${n(peak.durablePeak)} req/s; ${pct(peak.ofBare, 1)} of bare)`,
      met: peak.ofDurable >= 0.4,
    });
    list.push({
      name: "CPU per accepted webhook",
      goal: "≤ 0.5 ms",
      actual: `${n(peak.level.app.cpuMsPerRequest, 2)} ms (c=${peak.level.connections}, the app's best level)`,
      met: peak.level.app.cpuMsPerRequest <= 0.5,
    });
    const fixed = ingest.fixedRate;
    const reached = fixed.okPerS >= fixed.rate * 0.95;
    list.push({
      name: `ingest p99 at a fixed ${fixed.rate} req/s, reached`,
      goal: "≤ 25 ms",
      actual: `${fixed.p99} ms at ${n(fixed.okPerS)} req/s reached${reached ? "" : " (rate not reached)"}`,
      met: reached && fixed.p99 <= 25 && fixed.non2xx === 0,
    });
    const level64 = ingest.levels.at(-1)!; // the highest concurrency: 64 in a full run
    list.push({
      name: `RSS during ingest at ${level64.connections} connections`,
      goal: "≤ 200 MB",
      actual: `${level64.appRssPeakMb} MB`,
      met: level64.appRssPeakMb <= 200,
    });
  }
  const drain = sqliteDrain(results);
  if (drain) {
    list.push({
      name: `drain on SQLite (${drain.objects / 1000}k)`,
      goal: "≥ 15,000 objects/s",
      actual: `${n(drain.objectsPerS)} objects/s`,
      met: drain.objectsPerS >= 15_000,
    });
    list.push({
      name: "drain CPU per 1,000 objects",
      goal: "≤ 60 ms",
      actual: `${n(drain.cpuMsPer1000)} ms`,
      met: drain.cpuMsPer1000 <= 60,
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
    list.push({
      name: `RSS during the ${drain.objects / 1000}k drain`,
      goal: "≤ 200 MB",
      actual: `${drain.rssPeakMb} MB`,
      met: drain.rssPeakMb <= 200,
    });
    const small = defaultDrains(results)[0]!;
    if (small !== drain) {
      list.push({
        name: `RSS flat from ${small.objects / 1000}k to ${drain.objects / 1000}k`,
        goal: "grows ≤ 32 MB",
        actual: `${small.rssPeakMb} → ${drain.rssPeakMb} MB`,
        met: drain.rssPeakMb - small.rssPeakMb <= 32,
      });
    }
  }
  if (fairness) {
    list.push({
      name: "other shop's event reaches Braze",
      goal: "≤ 2 s",
      actual: `max ${n(fairness.maxMs)} ms`,
      met: fairness.maxMs <= 2_000,
    });
  }
  const scaling = postgresScaling(results);
  if (scaling) {
    list.push({
      name: `Postgres CPU per object, ${scaling.many.workers} vs 1`,
      goal: "≤ 1.2×",
      actual: `${n(scaling.ratio, 2)}× (${n(scaling.one.cpuMsPer1000)} → ${n(scaling.many.cpuMsPer1000)} ms per 1,000)`,
      met: scaling.ratio <= 1.2,
    });
  }
  if (results.postgres?.length) {
    const bad = results.postgres.filter((run) => run.lost > 0 || run.doubled > 0 || run.deliveredRows !== run.objects);
    list.push({
      name: "Postgres: nothing lost or doubled",
      goal: "0 / 0",
      actual: results.postgres.map((run) => `${run.workers}: ${run.lost} lost, ${run.doubled} doubled`).join("; "),
      met: bad.length === 0,
    });
  }
  return list;
}

// The app's best level, and the ratios of its peak to the baselines' peaks (each at its own best level).
function ingestPeak(ingest: IngestResult) {
  const level = ingest.levels.reduce((a, b) => (b.app.okPerS > a.app.okPerS ? b : a));
  const appPeak = level.app.okPerS;
  const durablePeak = Math.max(...ingest.levels.map((one) => one.durable.okPerS));
  const barePeak = Math.max(...ingest.levels.map((one) => one.baseline.okPerS));
  const floorPeak = Math.max(...ingest.levels.map((one) => one.floor.okPerS));
  return {
    level,
    appPeak,
    durablePeak,
    barePeak,
    floorPeak,
    ofDurable: appPeak / Math.max(1, durablePeak),
    ofBare: appPeak / Math.max(1, barePeak),
  };
}

function postgresScaling(results: BenchResults) {
  const runs = results.postgres ?? [];
  const one = runs.find((run) => run.workers === "1 process");
  const many = runs.filter((run) => run !== one).at(-1);
  if (!one || !many) return null;
  return { one, many, ratio: many.cpuMsPer1000 / Math.max(0.001, one.cpuMsPer1000) };
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
      "\n1. INGEST — signed Okendo review.create webhooks (2 KB), production build, DELIVERY_WORKER=off, SQLite; per level " +
        "the best of alternating slices, each server in its own process: the app; the durable limit (verify + one INSERT, " +
        "group commit, WAL); bare (verify, 200); the Remix floor (GET /healthz through a second app process: edge + Remix, no database)",
    );
    out.push(
      table(
        [
          "conns",
          "app 2xx/s",
          "p50",
          "p99",
          "err",
          "non-2xx",
          "CPU ms/req",
          "RSS MB",
          "durable/s",
          "p99",
          "CPU ms/req",
          "bare/s",
          "CPU ms/req",
          "Remix floor/s",
          "CPU ms/req",
          "of durable",
          "of bare",
        ],
        ingest.levels.map((level) => [
          level.connections,
          n(level.app.okPerS),
          level.app.p50,
          level.app.p99,
          level.app.errors,
          level.app.non2xx,
          n(level.app.cpuMsPerRequest, 3),
          level.appRssPeakMb,
          n(level.durable.okPerS),
          level.durable.p99,
          n(level.durable.cpuMsPerRequest, 3),
          n(level.baseline.okPerS),
          n(level.baseline.cpuMsPerRequest, 3),
          n(level.floor.okPerS),
          n(level.floor.cpuMsPerRequest, 3),
          pct(level.ofDurable, 1),
          pct(level.ofBare, 1),
        ]),
      ),
    );
    for (const [name, fixed] of [
      ["app", ingest.fixedRate],
      ["durable limit", ingest.durableFixedRate],
    ] as const) {
      out.push(
        `fixed rate, ${name}: asked ${fixed.rate} req/s for ${n(fixed.durationS, 1)} s (${fixed.connections} connections), ` +
          `reached ${n(fixed.okPerS)} 2xx/s: p50 ${fixed.p50} ms, p90 ${fixed.p90} ms, p99 ${fixed.p99} ms, max ${fixed.max} ms, ` +
          `${fixed.errors} errors, ${fixed.non2xx} non-2xx, CPU ${n(fixed.cpuMsPerRequest, 3)} ms/req`,
      );
    }
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
      `\n4. MEMORY — peak RSS of the web process: ingest ${(results.ingest?.levels ?? []).map((level) => `c=${level.connections} ${level.appRssPeakMb} MB`).join(", ") || "–"}; ` +
        `${[...(results.drain ?? []), ...(results.postgres ?? [])].map((run) => `${run.label} ${run.rssPeakMb} MB`).join(", ")} (Postgres: the sum of the worker processes)`,
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
    const peak = ingestPeak(results.ingest);
    const fixed = results.ingest.fixedRate;
    parts.push(
      `ingest ${n(peak.appPeak)} req/s = ${pct(peak.ofDurable, 1)} of durable ${n(peak.durablePeak)}, ${pct(peak.ofBare, 1)} of bare ${n(peak.barePeak)} ` +
        `(Remix floor ${n(peak.floorPeak)}), ${n(peak.level.app.cpuMsPerRequest, 2)} ms CPU/req, ` +
        `p99 ${fixed.p99} ms at ${n(fixed.okPerS)} of ${fixed.rate} req/s, ${n(results.ingest.rows.answered2xx)} 2xx/${n(results.ingest.rows.rows)} rows`,
    );
  }
  const drain = sqliteDrain(results);
  if (drain && results.baselines) {
    parts.push(
      `drain SQLite ${n(drain.objectsPerS)} objects/s = ${n(drain.objectsPerS / results.baselines.naive.objectsPerS, 1)}× naive, ` +
        `${pct(drain.objectsPerS / results.baselines.capacity.objectsPerS)} of simulator, ${n(drain.fullPctWhileBacklog, 1)} % full, ` +
        `${n(drain.cpuMsPer1000)} ms CPU/1k`,
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
      `Postgres ${results.postgres.map((run) => `${run.workers.split(" ")[0]}w ${n(run.objectsPerS)}`).join(" / ")} objects/s` +
        (postgresScaling(results) ? `, CPU/object ${n(postgresScaling(results)!.ratio, 2)}×` : ""),
    );
  const list = targets(results);
  if (list.length > 0) parts.push(`targets met ${list.filter((target) => target.met).length}/${list.length}`);
  return parts.join(" | ");
}

// --- SVG chart ---------------------------------------------------------------------------------------

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const COLORS = { app: "#d9480f", durable: "#2f9e44", bare: "#1971c2", floor: "#868e96", other: "#845ef7" };

interface Panel {
  left: number;
  top: number;
  w: number;
  h: number;
}

// A line chart over the concurrency levels on a log scale (the servers differ by orders of magnitude).
function lineChart(
  parts: string[],
  panel: Panel,
  title: string,
  unit: string,
  connections: number[],
  lines: { values: number[]; color: string; dashed?: boolean }[],
) {
  const x = (index: number) =>
    panel.left + (connections.length === 1 ? panel.w / 2 : (index * panel.w) / (connections.length - 1));
  const positive = lines.flatMap((line) => line.values).filter((value) => value > 0);
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...positive, 10)));
  const y = (value: number) =>
    panel.top + panel.h - ((Math.log10(Math.max(value, 10 ** lo)) - lo) / (hi - lo || 1)) * panel.h;
  parts.push(
    `<text x="${panel.left + panel.w / 2}" y="${panel.top - 12}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  );
  for (let power = lo; power <= hi; power++) {
    parts.push(
      `<line x1="${panel.left}" x2="${panel.left + panel.w}" y1="${y(10 ** power)}" y2="${y(10 ** power)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${panel.left - 6}" y="${y(10 ** power) + 4}" text-anchor="end">${n(10 ** power, power < 0 ? -power : 0)}</text>`,
    );
  }
  connections.forEach((level, index) =>
    parts.push(`<text x="${x(index)}" y="${panel.top + panel.h + 16}" text-anchor="middle">${level}</text>`),
  );
  parts.push(
    `<text x="${panel.left + panel.w / 2}" y="${panel.top + panel.h + 32}" text-anchor="middle">concurrent connections · ${esc(unit)}</text>`,
  );
  for (const line of lines) {
    const points = line.values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${line.color}" stroke-width="2"${line.dashed ? ' stroke-dasharray="6 4"' : ""} points="${points.join(" ")}"/>`,
    );
    for (const point of points) {
      const [cx, cy] = point.split(",");
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${line.color}"/>`);
    }
  }
}

// Horizontal bars on a linear scale, with the target drawn as a red line.
function barChart(
  parts: string[],
  panel: Panel,
  title: string,
  bars: { label: string; value: number; color: string; text: string }[],
  target?: { value: number; label: string },
) {
  const labelW = 150;
  const max = Math.max(...bars.map((bar) => bar.value), target?.value ?? 0) * 1.5 || 1; // room for the bar's text
  const barH = Math.min(22, (panel.h - 10) / Math.max(1, bars.length) - 6);
  const xOf = (value: number) => panel.left + labelW + (value / max) * (panel.w - labelW);
  parts.push(
    `<text x="${panel.left + panel.w / 2}" y="${panel.top - 12}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  );
  const rowY = (index: number) => panel.top + index * (barH + 6);
  bars.forEach((bar, index) => {
    const y = rowY(index);
    parts.push(`<text x="${panel.left + labelW - 6}" y="${y + barH * 0.7}" text-anchor="end">${esc(bar.label)}</text>`);
    parts.push(
      `<rect x="${panel.left + labelW}" y="${y}" width="${Math.max(1, xOf(bar.value) - panel.left - labelW).toFixed(1)}" height="${barH}" fill="${bar.color}"/>`,
    );
  });
  // The target over the bars, and the bars' figures over the target (with a white outline, so they stay readable).
  if (target) {
    const x = xOf(target.value);
    const bottom = rowY(bars.length);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${panel.top - 4}" y2="${bottom}" stroke="#e03131" stroke-dasharray="4 3"/>`,
    );
    parts.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle" fill="#e03131">${esc(target.label)}</text>`);
  }
  bars.forEach((bar, index) => {
    parts.push(
      `<text x="${xOf(bar.value) + 4}" y="${rowY(index) + barH * 0.7}" stroke="white" stroke-width="3" paint-order="stroke">${esc(bar.text)}</text>`,
    );
  });
}

// The whole run on one page: ingest throughput and latency per concurrency level beside the three baselines; the
// drain beside the naive forwarder and the simulator; memory of the web process; and every target, met or not.
export function renderChart(results: BenchResults): string {
  const width = 1000;
  const parts: string[] = [];
  let top = 70;
  const ingest = results.ingest;
  if (ingest) {
    const connections = ingest.levels.map((level) => level.connections);
    const series = (pick: (level: IngestResult["levels"][number]) => number) => ingest.levels.map(pick);
    lineChart(
      parts,
      { left: 80, top, w: 380, h: 220 },
      "Ingest throughput (2xx/s, log scale)",
      "responses/s",
      connections,
      [
        { values: series((level) => level.baseline.okPerS), color: COLORS.bare },
        { values: series((level) => level.durable.okPerS), color: COLORS.durable },
        { values: series((level) => level.floor.okPerS), color: COLORS.floor },
        { values: series((level) => level.app.okPerS), color: COLORS.app },
      ],
    );
    // autocannon reports whole milliseconds: 0 means under 1 ms and is drawn at 1.
    const ms = (value: number) => Math.max(1, value);
    lineChart(
      parts,
      { left: 580, top, w: 380, h: 220 },
      "Ingest latency (ms, log): p50 solid, p99 dashed",
      "ms, under 1 drawn at 1",
      connections,
      (["baseline", "durable", "app"] as const).flatMap((name) => {
        const color = name === "baseline" ? COLORS.bare : COLORS[name];
        return [
          { values: series((level) => ms(level[name].p50)), color },
          { values: series((level) => ms(level[name].p99)), color, dashed: true },
        ];
      }),
    );
    const legend: [string, string][] = [
      [COLORS.app, "app (signed review, stored)"],
      [COLORS.durable, "durable limit (verify + INSERT, group commit)"],
      [COLORS.bare, "bare (verify, 200)"],
      [COLORS.floor, "Remix floor (GET /healthz, no DB)"],
    ];
    let lx = 40;
    for (const [color, label] of legend) {
      parts.push(
        `<rect x="${lx}" y="${top + 262}" width="14" height="4" fill="${color}"/><text x="${lx + 20}" y="${top + 268}">${esc(label)}</text>`,
      );
      lx += 40 + label.length * 6.5; // about 6.5 px per character at 12 px
    }
    top += 320;
  }

  const drains = [...(results.drain ?? []), ...(results.postgres ?? [])];
  const baselines = results.baselines;
  if (drains.length > 0) {
    const bars = drains.map((run) => ({
      label: run.label,
      value: run.objectsPerS,
      color: run.database === "sqlite" ? COLORS.app : COLORS.other,
      text: `${n(run.objectsPerS)}/s · ${n(run.cpuMsPer1000)} ms CPU/1k`,
    }));
    if (baselines) {
      bars.push({
        label: "naive forwarder",
        value: baselines.naive.objectsPerS,
        color: COLORS.floor,
        text: `${n(baselines.naive.objectsPerS)}/s`,
      });
    }
    const h = bars.length * 28 + 10;
    barChart(parts, { left: 20, top, w: 460, h }, "Drain (objects/s) and CPU per 1,000 objects", bars, {
      value: 15_000,
      label: "target 15,000/s",
    });
    const memory = [
      ...(ingest?.levels ?? []).map((level) => ({
        label: `ingest c=${level.connections}`,
        value: level.appRssPeakMb,
        color: COLORS.app,
        text: `${level.appRssPeakMb} MB`,
      })),
      ...drains.map((run) => ({
        label: run.label.replace(", heap ≤ ", ", heap≤"),
        value: run.rssPeakMb,
        color: run.database === "sqlite" ? COLORS.app : COLORS.other,
        text: `${run.rssPeakMb} MB`,
      })),
    ];
    const memoryH = memory.length * 28 + 10;
    barChart(parts, { left: 520, top, w: 460, h: memoryH }, "Peak RSS (MB; Postgres: sum of workers)", memory, {
      value: 200,
      label: "target 200 MB",
    });
    top += Math.max(h, memoryH) + 60;
  }

  const list = targets(results);
  if (list.length > 0) {
    parts.push(`<text x="20" y="${top}" font-weight="bold">Targets (reported, never asserted)</text>`);
    list.forEach((target, index) => {
      const y = top + 20 + index * 18;
      parts.push(
        `<text x="20" y="${y}" fill="${target.met ? "#2f9e44" : "#e03131"}" font-weight="bold">${target.met ? "met" : "not met"}</text>` +
          `<text x="90" y="${y}">${esc(target.name)}</text><text x="400" y="${y}">${esc(target.goal)}</text>` +
          `<text x="540" y="${y}">${esc(target.actual)}</text>`,
      );
    });
    top += 20 + list.length * 18;
  }
  if (parts.length === 0) return "";
  const height = top + 20;
  const m = results.machine;
  const title = `Okendo → Braze bench · ${results.startedAt}${results.quick ? " · --quick" : ""} · ${m.cpus} × ${m.cpuModel}, ${n(m.memoryGb, 1)} GB, Node ${m.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}
