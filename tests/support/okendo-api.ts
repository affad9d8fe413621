// Helpers for tests of the Okendo Merchant API client, its rate limiter and the connection service: a migrated
// throwaway database of the project's dialect (TEST_DIALECT; SQLite for unit tests), and the limiter on it.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sharedOkendoRateLimiter } from "../../app/okendo/rate-limit.server.ts";
import { testDialect } from "./app-server.ts";
import { createTestDatabase } from "./postgres.ts";
import { openDatabase } from "./shopify.ts";

export interface MigratedDatabase {
  url: string;
  db: PrismaClient;
  close(): Promise<void>;
}

export async function migratedDatabase(): Promise<MigratedDatabase> {
  const postgres = testDialect() === "postgres" ? await createTestDatabase() : null;
  const url = postgres?.url ?? `file:${path.join(mkdtempSync(path.join(tmpdir(), "okendo-api-")), "app.sqlite")}`;
  execFileSync(process.execPath, ["scripts/migrate.mjs"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
  const db = openClient(url);
  return {
    url,
    db,
    async close() {
      await db.$disconnect();
      await postgres?.drop();
    },
  };
}

/** A Prisma client of its own (its own connection pool); SQLite waits for the file's lock like the app does. */
export function openClient(url: string): PrismaClient {
  return url.startsWith("file:")
    ? new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) })
    : openDatabase(url);
}

export function limiterOn(db: PrismaClient, intervalMs?: number) {
  return sharedOkendoRateLimiter(db, intervalMs);
}
