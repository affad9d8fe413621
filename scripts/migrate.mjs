// Applies committed migrations to the database DATABASE_URL names, before the server starts and before tests.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

const url = process.env.DATABASE_URL;
if (url && !url.startsWith("file:")) {
  console.error("Only SQLite migrations are wired up so far; unset DATABASE_URL to use SQLite.");
  process.exit(1);
}
// SQLite creates the file but not its folder.
const file = (url ?? "file:./data/app.sqlite").slice("file:".length);
mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], { stdio: "inherit" });
