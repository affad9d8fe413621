// Generates both Prisma clients: @prisma/client for SQLite, prisma/generated/postgres/client for Postgres.
import { execFileSync } from "node:child_process";
import { writePostgresSchema } from "./prisma-dialects.mjs";

const prisma = (...args) =>
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", ...args], { stdio: "inherit" });
prisma("generate");
prisma("generate", "--schema", writePostgresSchema());
