// Prisma CLI configuration, for the two commands this project uses: `prisma generate` (run on install by
// scripts/prisma-generate.mjs) and `prisma migrate diff` (run by `npm run migration:create`). The JS engine with a
// driver adapter lets both run without downloading Prisma's Rust engines (docs/decisions/0002).
// Migrations are applied by scripts/migrate.mjs, never by `prisma migrate` (docs/decisions/0003, 0010): the
// adapter below serves `migrate diff` with a throwaway in-memory database and refuses every other command.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  adapter: async () => {
    const [command, subcommand] = process.argv.slice(2);
    if (command === "migrate" && subcommand === "diff") return new PrismaBetterSQLite3({ url: ":memory:" });
    throw new Error(
      `\`prisma ${[command, subcommand].filter(Boolean).join(" ")}\` is not used in this project: write migrations ` +
        "with `npm run migration:create -- <name>`; `npm start` applies them (scripts/migrate.mjs, docs/decisions/0003).",
    );
  },
});
