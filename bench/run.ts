// npm run bench [-- --quick] [-- --only ingest,drain,fairness,postgres] [-- --no-build]
// Builds if needed, runs the sections on loopback against a snapshot of the production build, prints a table
// and one summary line, and writes bench/results/<time>.json and .svg (and latest.json / latest.svg).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDrainPostgres, benchDrainSqlite, measureBaselines } from "./drain.ts";
import { benchFairness } from "./fairness.ts";
import { benchIngest } from "./ingest.ts";
import { integrityProblems, renderChart, renderTable, summaryLine, type BenchResults } from "./report.ts";
import { snapshotBuild, startSimulator, waitUntil } from "./support.ts";
import { buildProduction, productionBuildIsFresh, SERVER_BUILD } from "../scripts/production-build.mjs";

const SECTIONS = ["ingest", "drain", "fairness", "postgres"] as const;
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "no-build": { type: "boolean", default: false },
  },
});
const only = new Set(values.only ? values.only.split(",").map((name) => name.trim()) : SECTIONS);
for (const name of only)
  if (!(SECTIONS as readonly string[]).includes(name))
    throw new Error(`--only takes ${SECTIONS.join(",")}; got "${name}"`);
const quick = values.quick;

const settings = quick
  ? {
      ingest: { connections: [1, 8, 32], durationS: 2, rounds: 1, fixedRate: 300, fixedRateS: 4 },
      drainSizes: [2_000, 10_000],
      baselines: { naiveObjects: 500, capacityS: 2 },
      fairness: { backlog: 10_000, probes: 3 },
      postgres: { objects: 10_000, workers: [1, 3] },
    }
  : {
      ingest: { connections: [1, 8, 32, 64], durationS: 3, rounds: 2, fixedRate: 300, fixedRateS: 10 },
      drainSizes: [10_000, 50_000],
      baselines: { naiveObjects: 2_000, capacityS: 5 },
      fairness: { backlog: 50_000, probes: 5 },
      postgres: { objects: 50_000, workers: [1, 3] },
    };

const log = (line: string) => console.log(line);

async function buildIfNeeded() {
  if (productionBuildIsFresh()) return;
  // build/ missing usually means someone else's build is running (npm test builds first): give it a minute.
  if (!existsSync(SERVER_BUILD)) await waitUntil(() => existsSync(SERVER_BUILD), 90_000, 1_000).catch(() => {});
  if (productionBuildIsFresh()) return;
  log("building the production build…");
  try {
    buildProduction();
  } catch (error) {
    console.error((error as Error).message.slice(-6_000)); // the build's own output (scripts/child-step.mjs)
    throw new Error("The build failed; the bench measures the production build, so it stops here.", { cause: error });
  }
}

function machine(): BenchResults["machine"] {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU",
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    loadBefore: loadavg(),
    loadAfter: [],
  };
}

if (!values["no-build"]) await buildIfNeeded();
const snapshot = await snapshotBuild();
const results: BenchResults & { errors: string[] } = {
  startedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  quick,
  machine: machine(),
  errors: [],
};
const simulator = await startSimulator();

async function section<T>(name: (typeof SECTIONS)[number], run: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined;
  log(`${name}…`);
  try {
    return await run();
  } catch (error) {
    results.errors.push(`${name}: ${(error as Error).message}`);
    console.error(`${name} failed:`, error);
    return undefined;
  }
}

try {
  results.ingest = await section("ingest", () => benchIngest({ ...settings.ingest, appDir: snapshot.dir }, log));
  const drain = await section("drain", async () => ({
    baselines: await measureBaselines(simulator, settings.baselines),
    runs: await benchDrainSqlite(snapshot.dir, simulator, settings.drainSizes, 128, log),
  }));
  results.baselines = drain?.baselines;
  results.drain = drain?.runs;
  results.fairness = await section("fairness", () => benchFairness(snapshot.dir, simulator, settings.fairness, log));
  results.postgres = await section("postgres", () =>
    benchDrainPostgres(snapshot.dir, simulator, settings.postgres.objects, settings.postgres.workers, log),
  );
} finally {
  simulator.stop();
  snapshot.remove();
}
results.machine.loadAfter = loadavg();

const table = renderTable(results);
const problems = integrityProblems(results);
const summary =
  summaryLine(results) + (results.errors.length > 0 ? ` | SECTION ERRORS: ${results.errors.join("; ")}` : "");
const folder = "bench/results";
mkdirSync(folder, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
const json = JSON.stringify({ ...results, summary, settings }, null, 2);
const svg = renderChart(results);
for (const name of [stamp, "latest"]) {
  writeFileSync(path.join(folder, `${name}.json`), json);
  if (svg) writeFileSync(path.join(folder, `${name}.svg`), svg);
}
console.log(
  `\n${table}\n\nresults: ${folder}/${stamp}.json${svg ? `, chart: ${folder}/${stamp}.svg` : ""}\n${summary}`,
);
process.exit(problems.length > 0 || results.errors.length > 0 ? 1 : 0);
