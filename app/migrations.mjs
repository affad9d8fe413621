// The committed migrations of each dialect and their checksums: what scripts/migrate.mjs applies and what the
// readiness check (app/health) compares with the `_app_migrations` ledger (docs/decisions/0010). Plain
// JavaScript so that the migration runner imports it without a build step.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** @type {Record<import("./db-url.mjs").Dialect, string>} */
export const MIGRATION_FOLDERS = { sqlite: "prisma/migrations", postgres: "prisma/migrations-postgres" };

/** @typedef {{ name: string, sql: string, checksum: string }} Migration */

/**
 * SHA-256 of a migration's SQL. Line endings are normalised: a checkout with CRLF endings (git's autocrlf) holds
 * the same migration, not an edited one.
 * @param {string} sql
 */
export function checksumOf(sql) {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/**
 * The migration folders under `folder` (each holds one migration.sql), in the order they apply.
 * @param {string} folder
 * @returns {Migration[]}
 */
export function committedMigrations(folder) {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const sql = readFileSync(path.join(folder, entry.name, "migration.sql"), "utf8");
      return { name: entry.name, sql, checksum: checksumOf(sql) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What the ledger says about the committed migrations.
 * - pending: committed, not applied yet;
 * - edited: applied, but the committed SQL is no longer what was applied (refused: docs/decisions/0010);
 * - unchecked: applied before the ledger kept checksums (the runner records today's checksum for them);
 * - unknown: in the ledger without a committed folder (applied by a newer version of the app).
 * @param {Migration[]} committed
 * @param {Map<string, string | null>} applied name → recorded checksum
 */
export function compareWithLedger(committed, applied) {
  const names = new Set(committed.map((migration) => migration.name));
  return {
    pending: committed.filter((migration) => !applied.has(migration.name)),
    edited: committed.filter((migration) => {
      const recorded = applied.get(migration.name);
      return typeof recorded === "string" && recorded !== migration.checksum;
    }),
    unchecked: committed.filter((migration) => applied.has(migration.name) && applied.get(migration.name) == null),
    unknown: [...applied.keys()].filter((name) => !names.has(name)),
  };
}

/**
 * @param {Migration[]} edited
 * @param {string} folder
 */
export function editedMigrationsMessage(edited, folder) {
  const names = edited.map((migration) => migration.name).join(", ");
  return (
    `Refusing to migrate: ${folder}/${names} changed after it was applied to this database. ` +
    `Restore the applied SQL (git log -p -- ${folder}) and put the change in a new migration: ` +
    "npm run migration:create -- <name>."
  );
}
