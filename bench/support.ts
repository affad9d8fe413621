// What every bench section needs: the processes (app, worker, simulator), an RSS sampler, shops with a known
// signing secret, realistic review payloads, and a backlog written the way the ingress writes it.
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { Webhook } from "standardwebhooks";
import { freePort, spawnNode as spawnTestProcess } from "../tests/support/app-server.ts";
import { createShop, TEST_OKENDO_SECRET, type TestShop } from "../tests/support/okendo.ts";
import { openDatabase } from "../tests/support/shopify.ts";
import { appEnv } from "../tests/support/test-env.ts";
import type { Tally } from "./braze-sim-process.ts";

export { createShop, freePort, openDatabase, TEST_OKENDO_SECRET };
export type { PrismaClient, Tally, TestShop };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil<T>(
  check: () => Promise<T | false> | T | false,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

// --- the app ---------------------------------------------------------------------------------------

// Other people rebuild build/ while the bench runs (npm test starts with a build), so the bench runs a copy
// of the production build taken once at the start: server.mjs, worker.mjs and build/ copied, the rest linked.
// A build in progress (build/ emptied and refilled) is waited out.
export async function snapshotBuild(root = process.cwd()): Promise<{ dir: string; remove(): void }> {
  const complete = (dir: string) =>
    ["build/server/index.js", "build/client/assets"].every((entry) => existsSync(path.join(dir, entry)));
  for (let attempt = 0; ; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), "okendo-bench-app-"));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    try {
      await waitUntil(() => complete(root), 180_000, 1_000);
      await sleep(1_000); // a build that just finished writing
      for (const entry of readdirSync(root)) {
        if (entry === ".git") continue;
        if (entry === "build") cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
        else if (entry === "server.mjs" || entry === "worker.mjs")
          copyFileSync(path.join(root, entry), path.join(dir, entry));
        else symlinkSync(path.join(root, entry), path.join(dir, entry));
      }
      if (complete(dir)) return { dir, remove };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
    remove();
  }
}

export interface Proc {
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export interface App extends Proc {
  url: string;
  databaseUrl: string;
  env: Record<string, string>;
  cwd: string;
}

// The tests' process starter, run from the bench's copy of the build.
function spawnNode(script: string, cwd: string, env: Record<string, string>): Proc & { child: ChildProcess } {
  const handle = spawnTestProcess(script, env, { cwd });
  return { child: handle.process, pid: handle.process.pid!, output: handle.output, stop: handle.stop };
}

// `npm start` on a database of its own (a fresh SQLite file unless DATABASE_URL is given), as the tests do.
export async function startApp(cwd: string, env: Record<string, string> = {}): Promise<App> {
  const port = await freePort();
  const sqliteDir = env.DATABASE_URL ? null : mkdtempSync(path.join(tmpdir(), "okendo-bench-db-")); // removed on stop
  const databaseUrl = env.DATABASE_URL ?? `file:${path.join(sqliteDir!, "app.sqlite")}`;
  const fullEnv = appEnv({ PORT: String(port), DATABASE_URL: databaseUrl, ...env });
  // By its real path: the runner only runs when started as itself, and in the snapshot scripts/ is a link.
  const migrateScript = realpathSync(path.join(cwd, "scripts/migrate.mjs"));
  execFileSync(process.execPath, [migrateScript], { cwd, env: { ...process.env, ...fullEnv }, stdio: "pipe" });
  const server = spawnNode("server.mjs", cwd, fullEnv);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (server.child.exitCode !== null)
        throw new Error(`The app exited with ${server.child.exitCode}:\n${server.output()}`);
      return fetch(url).then(
        () => true,
        () => false,
      );
    },
    30_000,
    100,
  );
  const stop = async () => {
    await server.stop();
    if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  };
  return { ...server, stop, url, databaseUrl, env: fullEnv, cwd };
}

// `npm run worker` on the app's database.
export function startWorker(app: App, env: Record<string, string> = {}): Proc {
  return spawnNode("worker.mjs", app.cwd, { ...app.env, ...env });
}

// --- child processes ---------------------------------------------------------------------------------

// Forks one of the bench's own .ts processes and waits for its first IPC message ("ready", with details).
async function forkTs<T>(file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(new URL(file, import.meta.url), [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<T>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
    child.once("message", (message) => resolve(message as T));
  });
  return { child, ready };
}

function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: { type: string }) => {
      if (reply.type !== type) return;
      child.off("message", listener);
      resolve(reply as T);
    };
    child.on("message", listener);
    child.send(message);
  });
}

export interface Simulator {
  url: string;
  pid: number;
  stats(): Promise<Tally>;
  reset(options?: { countOnly?: boolean }): Promise<void>;
  stop(): void;
}

export async function startSimulator(): Promise<Simulator> {
  const { child, ready } = await forkTs<{ url: string }>("./braze-sim-process.ts");
  return {
    url: ready.url,
    pid: child.pid!,
    stats: async () => (await ask<{ tally: Tally }>(child, { type: "stats" }, "stats")).tally,
    reset: async (options = {}) => void (await ask(child, { type: "reset", ...options }, "reset")),
    stop: () => child.disconnect(),
  };
}

export interface Baseline {
  url: string;
  pid: number;
  stop(): void;
}

// The bare baseline (bench/baseline-server.ts): verify the signature, answer 200.
export async function startBaseline(port: number): Promise<Baseline> {
  const { child } = await forkTs("./baseline-server.ts", { PORT: String(port), OKENDO_SECRET: TEST_OKENDO_SECRET });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.disconnect() };
}

// The durable limit (bench/durable-limit-server.ts): verify, one INSERT with group commit in a WAL SQLite file of
// its own, answer 200 after the commit.
export async function startDurableLimit(port: number): Promise<Baseline> {
  const dir = mkdtempSync(path.join(tmpdir(), "okendo-bench-durable-"));
  const { child } = await forkTs("./durable-limit-server.ts", {
    PORT: String(port),
    OKENDO_SECRET: TEST_OKENDO_SECRET,
    DATABASE_FILE: path.join(dir, "durable.sqlite"),
  });
  child.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.disconnect() };
}

// --- memory ------------------------------------------------------------------------------------------

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0; // the process is gone
  }
}

// CPU time (user + system) a process has used, in ms: less disturbed by other load than wall-clock rates.
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

// Samples VmRSS of some processes every 100 ms; peak() is the highest sum seen since the last mark().
export function sampleRss(pids: number[]) {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(
      peak,
      pids.reduce((sum, pid) => sum + rssMb(pid), 0),
    );
  }, 100);
  timer.unref();
  return {
    peak: () => Math.round(peak),
    mark: () => void (peak = 0),
    stop: () => clearInterval(timer),
  };
}

// --- payloads ----------------------------------------------------------------------------------------

const fixture = JSON.parse(
  readFileSync(new URL("../tests/fixtures/native/review.create.json", import.meta.url), "utf8"),
);
const REVIEW_ID = fixture.delivery.resource.reviewId as string;
const REVIEWER = fixture.delivery.resource.reviewer.email as string;
// Okendo's native review.create delivery; review id and reviewer are filled in per request.
const deliveryTemplate = JSON.stringify(fixture.delivery).replace(REVIEW_ID, "%REVIEW%").replace(REVIEWER, "%EMAIL%");

export const reviewerEmail = (n: number, customers = 5_000) => `reviewer-${n % customers}@example.com`;

export function reviewDelivery(reviewId: string, email: string): string {
  return deliveryTemplate.replace("%REVIEW%", reviewId).replace("%EMAIL%", email);
}

export interface SignedRequest {
  id: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

// Signs review deliveries for one shop's ingress path ahead of a run (fresh timestamps, unique svix ids).
export function signReviews(path: string, count: number, firstN: number, secret = TEST_OKENDO_SECRET): SignedRequest[] {
  const webhook = new Webhook(secret);
  const now = new Date();
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return Array.from({ length: count }, (_, index) => {
    const n = firstN + index;
    const id = `msg_bench_${process.pid}_${n}`;
    const body = reviewDelivery(`review-${process.pid}-${n}`, reviewerEmail(n));
    return {
      id,
      path,
      body: Buffer.from(body),
      headers: {
        "content-type": "application/json",
        "svix-id": id,
        "svix-timestamp": timestamp,
        "svix-signature": webhook.sign(id, now, body),
      },
    };
  });
}

// The Braze objects the ingress stores for one review when users are identified by email (toggle off):
// an attribute update and an "Okendo Review Created" event, both with external_id = the email.
const [attributesGolden, eventGolden] = fixture.brazeByEmail as { type: string; object: Record<string, unknown> }[];

export function reviewObjects(reviewId: string, email: string) {
  const { email: _a, ...attributes } = attributesGolden!.object;
  const { email: _e, ...event } = eventGolden!.object as { email?: string; properties: Record<string, unknown> };
  return [
    { kind: "attributes", eventName: null, payload: { external_id: email, ...attributes } },
    {
      kind: "event",
      eventName: "Okendo Review Created",
      payload: {
        external_id: email,
        ...event,
        time: new Date().toISOString(),
        properties: { ...event.properties, review_id: reviewId },
      },
    },
  ];
}

// --- shops and backlog -------------------------------------------------------------------------------

export type BenchShop = TestShop & { apiKey: string };

// Shops connected to the simulator, users identified by email (so the ingress never calls Shopify's API).
// Each shop has its own Braze API key, which is how the simulator's tally tells the shops apart.
export async function createShops(
  db: PrismaClient,
  count: number,
  brazeUrl?: string,
  tag = "bench",
): Promise<BenchShop[]> {
  const shops: BenchShop[] = [];
  for (let i = 0; i < count; i++) {
    const apiKey = `valid-${tag}-${i}-${process.pid}`;
    shops.push({ ...(await createShop(db, { brazeUrl, apiKey, identifyByCustomerId: false })), apiKey });
  }
  return shops;
}

// Shops are "disconnected" while a backlog is written so no worker starts on half of it; connecting them
// all in one statement starts the clock.
export async function setConnected(db: PrismaClient, shops: TestShop[], connected: boolean) {
  const domains = shops.map((shop) => shop.domain);
  await db.shop.updateMany({
    where: { domain: { in: domains } },
    data: { connectionStatus: connected ? "connected" : "disconnected" },
  });
}

// `objects` queued Delivery rows spread over the shops, as the review ingress writes them (an attribute
// update and an event per review, one customer per review), inserted in bulk.
export async function insertBacklog(db: PrismaClient, shops: TestShop[], objects: number, tag: string) {
  const rows = [];
  for (let review = 0; review < objects / 2; review++) {
    const shop = shops[review % shops.length]!.domain;
    const email = `${tag}-${review}@example.com`;
    for (const { kind, eventName, payload } of reviewObjects(`${tag}-review-${review}`, email)) {
      rows.push({
        shop,
        kind,
        eventName,
        identifierType: "external_id",
        customerKey: email,
        customerEmail: email,
        payload: JSON.stringify(payload),
        status: "queued",
      });
    }
  }
  for (let start = 0; start < rows.length; start += 5_000)
    await db.delivery.createMany({ data: rows.slice(start, start + 5_000) });
}
