// Which database DATABASE_URL names. Unset or `file:` means the embedded SQLite default.
export const DEFAULT_SQLITE_URL = "file:./data/app.sqlite";

export type Dialect = "sqlite" | "postgres";

export function dialectOf(url: string | undefined): Dialect {
  if (!url || url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must be a file: URL (SQLite) or a postgres:// URL, got "${url.split(":")[0]}:…"`);
}

export function sqliteUrl(url: string | undefined): string {
  return url && url.startsWith("file:") ? url : DEFAULT_SQLITE_URL;
}
