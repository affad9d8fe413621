// The Prisma client, on the driver adapter DATABASE_URL names (see app/db-url.mjs).
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { dialectOf, sqliteUrl, type Dialect } from "./db-url.mjs";

declare global {
  // Survives Vite's module reloads in development so we keep one connection pool.
  var __prisma: PrismaClient | undefined;
}

export const dialect: Dialect = dialectOf(process.env.DATABASE_URL);

function createClient(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (dialect === "postgres") {
    // The Postgres client is generated from the same schema (scripts/prisma-generate.mjs), so its API is the
    // SQLite client's. It is loaded at run time so the bundler leaves it alone.
    const require = createRequire(path.join(process.cwd(), "package.json"));
    const { PrismaClient: PostgresClient } = require("./prisma/generated/postgres/client") as {
      PrismaClient: new (options: { adapter: PrismaPg }) => PrismaClient;
    };
    const max = Number(process.env.DATABASE_POOL_SIZE || 10);
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  }
  // The busy timeout lets the web process and separate worker processes share the file. WAL mode is set
  // once by scripts/migrate.mjs (it is stored in the file); NORMAL sync under WAL survives process crashes
  // (only a power loss can drop the last transactions) and is an order of magnitude faster than FULL.
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqliteUrl(url), timeout: 5000 }) });
  void client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return client;
}

export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient());
export default prisma;
