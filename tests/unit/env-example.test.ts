// .env.example must list every environment variable the app and its scripts read, so that an operator can trust it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const SOURCES = ["app", "scripts", "server.mjs", "worker.mjs", "vite.config.ts", "playwright.config.ts"];

function files(entry: string): string[] {
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry).flatMap((child) => files(path.join(entry, child)));
}

function variablesRead(): Map<string, string> {
  const found = new Map<string, string>(); // variable → first file reading it
  for (const file of SOURCES.flatMap(files).filter((name) => /\.(ts|tsx|mjs|js)$/.test(name))) {
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)|\benv\[["']([A-Z][A-Z0-9_]+)["']\]/g)) {
      const name = match[1] ?? match[2]!;
      if (!found.has(name)) found.set(name, file);
    }
  }
  return found;
}

function listedVariables(): string[] {
  return readFileSync(".env.example", "utf8")
    .split("\n")
    .map((line) => /^#?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
}

it("lists every variable the code reads", () => {
  const listed = new Set(listedVariables());
  const missing = [...variablesRead()].filter(([name]) => !listed.has(name)).map(([name, file]) => `${name} (${file})`);
  expect(missing).toEqual([]);
});

it("lists nothing that nobody reads", () => {
  // Also read outside the app: by the tests' support code and by compose.yaml.
  const elsewhere = ["tests/support", "compose.yaml"].flatMap(files).map((file) => readFileSync(file, "utf8"));
  const read = variablesRead();
  const stale = listedVariables().filter(
    (name) => !read.has(name) && !elsewhere.some((source) => new RegExp(`\\b${name}\\b`).test(source)),
  );
  expect(stale).toEqual([]);
});

it("finds the variables it should (the scan itself works)", () => {
  const read = variablesRead();
  for (const name of ["DATABASE_URL", "ENCRYPTION_KEY", "DELIVERY_WORKER", "DELIVERY_RETRY_BASE_MS", "SCOPES"]) {
    expect(read.has(name), name).toBe(true);
  }
});
