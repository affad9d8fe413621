// The hot path's database access: one store per process, on the database DATABASE_URL names (app/db-url.mjs).
// Prisma (app/db.server.ts) serves everything else: admin pages, settings, Shopify sessions and webhooks.
import { dialectOf, sqliteUrl } from "../db-url.mjs";
import { PostgresStore } from "./postgres.server";
import { SqliteStore } from "./sqlite.server";
import type { Dialect, Statements } from "./statements";
import type { Work } from "./unit-of-work";

export interface Store {
  readonly dialect: Dialect;
  // A unit of work in a transaction of its own.
  transact<T>(work: Work<T>): Promise<T>;
  // A unit of work that may share its commit with others submitted at the same time (the ingress's accepts).
  transactGrouped<T>(work: Work<T>): Promise<T>;
  run<K extends keyof Statements>(name: K, ...args: Parameters<Statements[K]>): Promise<ReturnType<Statements[K]>>;
  close(): void | Promise<void>;
}

declare global {
  // Survives Vite's module reloads in development, like the Prisma client.
  var __hotPathStore: Store | undefined;
}

function openStore(url = process.env.DATABASE_URL): Store {
  if (dialectOf(url) === "postgres") return new PostgresStore(url!, Number(process.env.DATABASE_POOL_SIZE || 10));
  return new SqliteStore(sqliteUrl(url).slice("file:".length));
}

export function store(): Store {
  return (globalThis.__hotPathStore ??= openStore());
}
