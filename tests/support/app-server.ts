// Runs the production build as a child process on a fresh database (SQLite, or Postgres for the postgres project), as `npm start` would.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { appEnv } from "./test-env.ts";
import { createTestDatabase } from "./postgres.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppServer extends ChildHandle {
  url: string;
  databaseUrl: string;
  env: Record<string, string>;
}

export interface ChildHandle {
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

// The integration suite runs once per dialect (vitest.config.ts sets TEST_DIALECT per project): the embedded
// SQLite default, and Postgres, the scale-out database, on a throwaway database per server.
export type TestDialect = "sqlite" | "postgres";
export const testDialect = (): TestDialect => (process.env.TEST_DIALECT === "postgres" ? "postgres" : "sqlite");

export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (testDialect() === "postgres") return createTestDatabase();
  const url = `file:${path.join(mkdtempSync(path.join(tmpdir(), "okendo-braze-")), "app.sqlite")}`;
  return { url, drop: async () => {} };
}

export async function startAppServer(
  env: Record<string, string> = {},
  options: { preload?: string[]; args?: string[] } = {},
): Promise<AppServer> {
  // A given PORT: a test that must know the URL before the server starts (it tells Okendo where to deliver), or
  // keeps the address (and SHOPIFY_APP_URL) across a restart on the same database.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fresh = env.DATABASE_URL ? null : await freshDatabase();
  const databaseUrl = env.DATABASE_URL ?? fresh!.url;
  const fullEnv = appEnv({ PORT: String(port), DATABASE_URL: databaseUrl, ...env });
  execFileSync(process.execPath, ["scripts/migrate.mjs"], { env: { ...process.env, ...fullEnv }, stdio: "pipe" });

  const server = spawnNode("server.mjs", fullEnv, options);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilListening(url, server.process, server.output);
  return {
    ...server,
    url,
    databaseUrl,
    env: fullEnv,
    async stop() {
      await server.stop();
      await fresh?.drop();
    },
  };
}

// `npm run worker`: a delivery worker process on the same database as the server.
export function startWorkerProcess(server: AppServer, env: Record<string, string> = {}): ChildHandle {
  return spawnNode("worker.mjs", { ...server.env, ...env });
}

// A Node process of this project (`server.mjs`, `worker.mjs`), its output kept for failure messages.
export function spawnNode(
  script: string,
  env: Record<string, string>,
  options: { preload?: string[]; cwd?: string; args?: string[] } = {},
): ChildHandle {
  const args = [...(options.preload ?? []).flatMap((module) => ["--import", module]), script, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function waitUntilListening(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`App server exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`App server did not start within 20 s:\n${output()}`);
}
