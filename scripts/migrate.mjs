// Applies committed migrations to the database DATABASE_URL names; `npm start`, the demo and the tests run it.
// SQLite: `prisma migrate deploy` (Prisma's bundled wasm engine, no download).
// Postgres: the committed SQL in prisma/migrations-postgres, applied in order inside one transaction under an
// advisory lock, recorded in _app_migrations (Prisma's wasm engine cannot migrate Postgres offline; see
// docs/decisions/0003-migrations.md).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const url = process.env.DATABASE_URL;

if (!url || url.startsWith("file:")) {
  const file = (url ?? "file:./data/app.sqlite").slice("file:".length);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true }); // SQLite creates the file, not its folder
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL"); // persistent: readers no longer wait for the worker's writes
  db.close();
} else if (/^postgres(ql)?:\/\//.test(url)) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(20261126)"); // several workers may start at once
    await client.query(
      'CREATE TABLE IF NOT EXISTS "_app_migrations" (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const applied = new Set((await client.query('SELECT name FROM "_app_migrations"')).rows.map((row) => row.name));
    const folder = "prisma/migrations-postgres";
    for (const name of readdirSync(folder).sort()) {
      if (applied.has(name)) continue;
      await client.query(readFileSync(path.join(folder, name, "migration.sql"), "utf8"));
      await client.query('INSERT INTO "_app_migrations" (name) VALUES ($1)', [name]);
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
