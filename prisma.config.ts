// Prisma CLI configuration. The JS engine with a driver adapter lets `prisma generate` and
// `prisma migrate deploy` run without downloading Prisma's Rust engines (see docs/decisions/0002).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { sqliteUrl } from "./app/db-url";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => new PrismaBetterSQLite3({ url: sqliteUrl(process.env.DATABASE_URL) }),
});
