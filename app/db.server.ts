// The Prisma client, on the driver adapter DATABASE_URL names (see app/db-url.ts).
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { dialectOf, sqliteUrl } from "./db-url";

declare global {
  // Survives Vite's module reloads in development so we keep one connection pool.
  var __prisma: PrismaClient | undefined;
}

function createClient(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (dialectOf(url) === "postgres") {
    throw new Error("PostgreSQL support is not built yet; unset DATABASE_URL to use SQLite.");
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqliteUrl(url) }) });
}

export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient());
export default prisma;
