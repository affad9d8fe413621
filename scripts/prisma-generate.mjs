// Generates both Prisma clients (run on install): @prisma/client for SQLite, prisma/generated/postgres/client for
// Postgres. Prisma's own output (tips, a warning about the unused datasource URL) is shown only when it fails.
import { runStep, StepFailed } from "./child-step.mjs";
import { writePostgresSchema } from "./prisma-dialects.mjs";

const prisma = (label, ...args) => runStep(label, ["node_modules/prisma/build/index.js", ...args]);
try {
  prisma("Generating the Prisma client for SQLite (prisma generate)", "generate");
  prisma("Generating the Prisma client for Postgres (prisma generate)", "generate", "--schema", writePostgresSchema());
  console.log("Generated the Prisma clients (SQLite: @prisma/client, Postgres: prisma/generated/postgres/client).");
} catch (error) {
  if (!(error instanceof StepFailed)) throw error;
  console.error(error.message);
  process.exit(1);
}
