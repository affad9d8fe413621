// The migration runner on both dialects: applies the committed SQL once, records a checksum per migration, and
// refuses to run when an applied migration's SQL was edited afterwards (docs/decisions/0010). Works on a copy of
// the committed migrations so that the test can edit one.
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATION_FOLDERS, checksumOf, committedMigrations } from "../../app/migrations.mjs";
import { MigrationRefused, migrate } from "../../scripts/migrate.mjs";
import { createTestDatabase, type TestDatabase } from "../support/postgres.ts";

interface LedgerRow {
  name: string;
  checksum: string | null;
}

interface Dialect {
  name: "sqlite" | "postgres";
  freshUrl(): Promise<string>;
  query(url: string, sql: string): Promise<Array<Record<string, unknown>>>;
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

const DIALECTS: Dialect[] = [
  {
    name: "sqlite",
    freshUrl: async () => `file:${path.join(mkdtempSync(path.join(tmpdir(), "okendo-braze-migrate-")), "app.sqlite")}`,
    query: async (url, sql) => {
      const db = new Database(url.slice("file:".length));
      try {
        return /^\s*select/i.test(sql) ? (db.prepare(sql).all() as Array<Record<string, unknown>>) : (db.exec(sql), []);
      } finally {
        db.close();
      }
    },
  },
  {
    name: "postgres",
    freshUrl: async () => {
      const database = await createTestDatabase();
      databases.push(database);
      return database.url;
    },
    query: async (url, sql) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    },
  },
];

// A private copy of the dialect's committed migrations.
function copyOfMigrations(dialect: Dialect["name"]): string {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), "okendo-braze-migrations-")), "migrations");
  cpSync(MIGRATION_FOLDERS[dialect], folder, { recursive: true });
  return folder;
}

async function ledger(dialect: Dialect, url: string): Promise<LedgerRow[]> {
  const rows = await dialect.query(url, 'SELECT name, checksum FROM "_app_migrations" ORDER BY name');
  return rows.map((row) => ({ name: String(row.name), checksum: (row.checksum as string | null) ?? null }));
}

const silent = { log: () => {} };

// Under a per-dialect test project (TEST_DIALECT), only that dialect; run alone, both.
const dialects = DIALECTS.filter((dialect) => !process.env.TEST_DIALECT || dialect.name === process.env.TEST_DIALECT);

describe.each(dialects)("migrations on $name", (dialect) => {
  it("applies every committed migration once and records its checksum", async () => {
    const url = await dialect.freshUrl();
    const folder = copyOfMigrations(dialect.name);
    const applied: string[] = [];
    await migrate(url, { folder, log: (line) => applied.push(line) });
    const committed = committedMigrations(folder);
    expect(applied).toEqual(committed.map((migration) => `applied ${migration.name}`));
    expect(await ledger(dialect, url)).toEqual(
      committed.map((migration) => ({ name: migration.name, checksum: checksumOf(migration.sql) })),
    );

    const again: string[] = [];
    await migrate(url, { folder, log: (line) => again.push(line) });
    expect(again).toEqual([]);
  });

  it("refuses to run when an applied migration was edited, and applies nothing after it", async () => {
    const url = await dialect.freshUrl();
    const folder = copyOfMigrations(dialect.name);
    await migrate(url, { folder, ...silent });
    const before = await ledger(dialect, url);

    const edited = committedMigrations(folder)[1]!.name;
    appendFileSync(path.join(folder, edited, "migration.sql"), '\nCREATE TABLE "Sneaky" ("id" INTEGER);\n');
    mkdirSync(path.join(folder, "99990101000000_later"));
    writeFileSync(path.join(folder, "99990101000000_later", "migration.sql"), 'CREATE TABLE "Later" ("id" INTEGER);');

    const refusal = migrate(url, { folder, ...silent });
    await expect(refusal).rejects.toBeInstanceOf(MigrationRefused);
    await expect(refusal).rejects.toThrow(`${edited} changed after it was applied`);
    expect(await ledger(dialect, url)).toEqual(before);
    const later = await dialect.query(url, "SELECT count(*) AS n FROM \"_app_migrations\" WHERE name LIKE '9999%'");
    expect(Number(later[0]!.n)).toBe(0);
  });

  it("treats CRLF line endings as the same migration", async () => {
    const url = await dialect.freshUrl();
    const folder = copyOfMigrations(dialect.name);
    await migrate(url, { folder, ...silent });
    const first = committedMigrations(folder)[0]!;
    writeFileSync(path.join(folder, first.name, "migration.sql"), first.sql.replace(/\r?\n/g, "\r\n"));
    await expect(migrate(url, { folder, ...silent })).resolves.toBeUndefined();
  });

  it("adds checksums to a ledger written before they existed, then guards it", async () => {
    const url = await dialect.freshUrl();
    const folder = copyOfMigrations(dialect.name);
    await migrate(url, { folder, ...silent });
    // The ledger as the previous runner wrote it: no checksum column.
    await dialect.query(url, 'ALTER TABLE "_app_migrations" DROP COLUMN checksum');

    await migrate(url, { folder, ...silent });
    const rows = await ledger(dialect, url);
    expect(rows.map((row) => row.checksum)).toEqual(committedMigrations(folder).map((m) => checksumOf(m.sql)));

    const first = committedMigrations(folder)[0]!.name;
    appendFileSync(path.join(folder, first, "migration.sql"), "\n-- edited\n");
    await expect(migrate(url, { folder, ...silent })).rejects.toBeInstanceOf(MigrationRefused);
  });
});

it("`node scripts/migrate.mjs` with an unknown database URL fails with one line", () => {
  let stderr = "";
  try {
    execFileSync(process.execPath, ["scripts/migrate.mjs"], {
      env: { ...process.env, DATABASE_URL: "mysql://localhost/app" },
      stdio: "pipe",
    });
  } catch (error) {
    stderr = String((error as { stderr: Buffer }).stderr);
    expect((error as { status: number }).status).toBe(1);
  }
  expect(stderr.trim().split("\n")).toEqual([
    'DATABASE_URL must be a file: URL (SQLite) or a postgres:// URL, got "mysql:…"',
  ]);
});
