// Applies committed migrations to the database DATABASE_URL names; `npm start`, the demo and the tests run it.
// The same small runner for both dialects: the committed SQL files in order, in one transaction, recorded with a
// checksum in `_app_migrations`; an applied migration whose SQL has since changed stops it (docs/decisions/0010).
// (Prisma's offline wasm engine cannot migrate Postgres, and on SQLite it fails whenever another process — a
// worker, or a restart after a crash — has the file open; see docs/decisions/0003.)
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { dialectOf, sqliteFile } from "../app/db-url.mjs";
import { requireNode } from "./node-version.mjs";
import {
  MIGRATION_FOLDERS,
  committedMigrations,
  compareWithLedger,
  editedMigrationsMessage,
} from "../app/migrations.mjs";

const CREATE_LEDGER =
  'CREATE TABLE IF NOT EXISTS "_app_migrations" (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL, checksum TEXT)';

export class MigrationRefused extends Error {}

/**
 * @param {string | undefined} url DATABASE_URL
 * @param {{ folder?: string, log?: (line: string) => void }} options folder: the migrations to apply (tests)
 */
export async function migrate(url, options = {}) {
  const dialect = dialectOf(url);
  const folder = options.folder ?? MIGRATION_FOLDERS[dialect];
  const log = options.log ?? console.log;
  const committed = committedMigrations(folder);
  // Decides what to do from the ledger's rows; throws (so the transaction rolls back) on an edited migration.
  const plan = (rows) => {
    const ledger = compareWithLedger(committed, new Map(rows.map((row) => [row.name, row.checksum])));
    if (ledger.edited.length > 0) throw new MigrationRefused(editedMigrationsMessage(ledger.edited, folder));
    return ledger;
  };

  if (dialect === "sqlite") {
    const file = sqliteFile(url);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true }); // SQLite creates the file, not its folder
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(file, { timeout: 15_000 }); // waits for a worker's write instead of failing
    try {
      db.pragma("journal_mode = WAL"); // persistent: readers no longer wait for the worker's writes
      db.exec(CREATE_LEDGER);
      const apply = db.transaction(() => {
        const columns = db.prepare(`PRAGMA table_info("_app_migrations")`).all();
        if (!columns.some((column) => column.name === "checksum")) {
          db.exec('ALTER TABLE "_app_migrations" ADD COLUMN checksum TEXT'); // ledgers written before checksums
        }
        const { pending, unchecked } = plan(db.prepare('SELECT name, checksum FROM "_app_migrations"').all());
        const record = db.prepare('UPDATE "_app_migrations" SET checksum = ? WHERE name = ?');
        for (const { name, checksum } of unchecked) record.run(checksum, name);
        const insert = db.prepare('INSERT INTO "_app_migrations" (name, applied_at, checksum) VALUES (?, ?, ?)');
        for (const { name, sql, checksum } of pending) {
          db.exec(sql);
          insert.run(name, new Date().toISOString(), checksum);
          log(`applied ${name}`);
        }
      });
      apply.immediate(); // BEGIN IMMEDIATE: concurrent migrators queue up instead of both applying
    } finally {
      db.close();
    }
    return;
  }

  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(20261126)"); // several workers may start at once
    await client.query(CREATE_LEDGER);
    await client.query('ALTER TABLE "_app_migrations" ADD COLUMN IF NOT EXISTS checksum TEXT');
    const { pending, unchecked } = plan((await client.query('SELECT name, checksum FROM "_app_migrations"')).rows);
    for (const { name, checksum } of unchecked) {
      await client.query('UPDATE "_app_migrations" SET checksum = $1 WHERE name = $2', [checksum, name]);
    }
    for (const { name, sql, checksum } of pending) {
      await client.query(sql);
      await client.query('INSERT INTO "_app_migrations" (name, applied_at, checksum) VALUES ($1, $2, $3)', [
        name,
        new Date().toISOString(),
        checksum,
      ]);
      log(`applied ${name}`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  requireNode();
  try {
    await migrate(process.env.DATABASE_URL);
  } catch (error) {
    // A refusal or a bad URL is one line for the operator; anything else keeps its stack for whoever debugs it.
    const known = error instanceof MigrationRefused || /^DATABASE_URL /.test(error?.message);
    console.error(known ? error.message : error);
    process.exit(1);
  }
}
