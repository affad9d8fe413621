// prisma/schema.prisma (SQLite) is the one source of truth; the Postgres schema is derived from it by
// swapping the datasource and the client's output folder. Nothing else differs between the dialects.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const SQLITE_SCHEMA = "prisma/schema.prisma";
export const POSTGRES_SCHEMA = "prisma/generated/postgres/schema.prisma";

export function postgresSchemaFrom(sqliteSchema) {
  return sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url = "postgresql://localhost/unused"')
    .replace(/engineType\s*=\s*"client"/, 'engineType = "client"\n  output     = "./client"');
}

export function writePostgresSchema(source = readFileSync(SQLITE_SCHEMA, "utf8"), target = POSTGRES_SCHEMA) {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, postgresSchemaFrom(source));
  return target;
}
