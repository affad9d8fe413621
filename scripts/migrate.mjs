// Applies committed migrations to the database DATABASE_URL names; `npm start`, the demo and the tests run it.
// The same small runner for both dialects: the committed SQL files in order, in one transaction, recorded in
// `_app_migrations`. (Prisma's offline wasm engine cannot migrate Postgres, and on SQLite it fails whenever
// another process — a worker, or a restart after a crash — has the file open; see docs/decisions/0003.)
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const url = process.env.DATABASE_URL;
const CREATE_LEDGER = 'CREATE TABLE IF NOT EXISTS "_app_migrations" (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)';

function pending(folder, applied) {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !applied.has(entry.name))
    .map((entry) => ({ name: entry.name, sql: readFileSync(path.join(folder, entry.name, "migration.sql"), "utf8") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (!url || url.startsWith("file:")) {
  const file = (url ?? "file:./data/app.sqlite").slice("file:".length);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true }); // SQLite creates the file, not its folder
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { timeout: 15_000 }); // waits for a worker's write instead of failing
  db.pragma("journal_mode = WAL"); // persistent: readers no longer wait for the worker's writes
  db.exec(CREATE_LEDGER);
  const migrate = db.transaction(() => {
    const applied = new Set(db.prepare('SELECT name FROM "_app_migrations"').pluck().all());
    for (const { name, sql } of pending("prisma/migrations", applied)) {
      db.exec(sql);
      db.prepare('INSERT INTO "_app_migrations" (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString());
      console.log(`applied ${name}`);
    }
  });
  migrate.immediate(); // BEGIN IMMEDIATE: concurrent migrators queue up instead of both applying
  db.close();
} else if (/^postgres(ql)?:\/\//.test(url)) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(20261126)"); // several workers may start at once
    await client.query(CREATE_LEDGER);
    const applied = new Set((await client.query('SELECT name FROM "_app_migrations"')).rows.map((row) => row.name));
    for (const { name, sql } of pending("prisma/migrations-postgres", applied)) {
      await client.query(sql);
      await client.query('INSERT INTO "_app_migrations" (name, applied_at) VALUES ($1, $2)', [
        name,
        new Date().toISOString(),
      ]);
      console.log(`applied ${name}`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
} else {
  console.error('DATABASE_URL must be a "file:" URL (SQLite) or a "postgres://" URL.');
  process.exit(2);
}
