// `npm run migration:create -- <name>`: writes the SQL that takes the last migrated schema to the current
// prisma/schema.prisma, for SQLite (prisma/migrations) and Postgres (prisma/migrations-postgres), and records the
// schema it migrated to in prisma/snapshots so the next migration diffs from it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SQLITE_SCHEMA, postgresSchemaFrom } from "./prisma-dialects.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run migration:create -- <snake_case_name>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const id = `${stamp}_${name}`;
const snapshots = "prisma/snapshots";
const previous = existsSync(snapshots) ? readdirSync(snapshots).sort().at(-1) : undefined;
const current = readFileSync(SQLITE_SCHEMA, "utf8");

const scratch = "prisma/generated/diff";
mkdirSync(scratch, { recursive: true });
function diff(dialectSchema, previousSchema) {
  const to = path.join(scratch, "to.prisma");
  writeFileSync(to, dialectSchema);
  const from = previousSchema ? ["--from-schema-datamodel", path.join(scratch, "from.prisma")] : ["--from-empty"];
  if (previousSchema) writeFileSync(path.join(scratch, "from.prisma"), previousSchema);
  return execFileSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "migrate", "diff", ...from, "--to-schema-datamodel", to, "--script"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
}

const before = previous ? readFileSync(path.join(snapshots, previous), "utf8") : undefined;
for (const [folder, toSchema, fromSchema] of [
  ["prisma/migrations", current, before],
  ["prisma/migrations-postgres", postgresSchemaFrom(current), before && postgresSchemaFrom(before)],
]) {
  const sql = diff(toSchema, fromSchema);
  mkdirSync(path.join(folder, id), { recursive: true });
  writeFileSync(path.join(folder, id, "migration.sql"), sql);
  console.log(`wrote ${folder}/${id}/migration.sql`);
}
mkdirSync(snapshots, { recursive: true });
writeFileSync(path.join(snapshots, `${id}.prisma`), current);
