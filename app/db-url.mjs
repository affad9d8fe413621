// Which database DATABASE_URL names — the one rule for the app (db.server.ts), the migration runner and the
// readiness check. Plain JavaScript (types in JSDoc) so that scripts import it without a build step.
// Unset or `file:` means the embedded SQLite default; `postgres://` or `postgresql://` means PostgreSQL.
export const DEFAULT_SQLITE_URL = "file:./data/app.sqlite";

/** @typedef {"sqlite" | "postgres"} Dialect */

/**
 * @param {string | undefined} url
 * @returns {Dialect}
 */
export function dialectOf(url) {
  if (!url || url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must be a file: URL (SQLite) or a postgres:// URL, got "${url.split(":")[0]}:…"`);
}

/**
 * @param {string | undefined} url
 * @returns {string}
 */
export function sqliteUrl(url) {
  return url && url.startsWith("file:") ? url : DEFAULT_SQLITE_URL;
}

/**
 * The path of the SQLite file a `file:` URL names (relative paths are relative to the working directory).
 * @param {string | undefined} url
 * @returns {string}
 */
export function sqliteFile(url) {
  return sqliteUrl(url).slice("file:".length);
}
