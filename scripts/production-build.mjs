// The demo and the bench run the production build; both rebuild it only when it is missing or older than its sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { runStep } from "./child-step.mjs";

export const SERVER_BUILD = "build/server/index.js";
const SOURCES = ["app", "vite.config.ts", "prisma/schema.prisma"];

function newestMtime(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((child) => newestMtime(path.join(entry, child))));
}

export function productionBuildIsFresh() {
  if (!existsSync(SERVER_BUILD)) return false;
  const sources = SOURCES.filter((entry) => existsSync(entry));
  return statSync(SERVER_BUILD).mtimeMs >= Math.max(...sources.map(newestMtime));
}

// Throws StepFailed with the build's output when it fails.
export function buildProduction() {
  runStep("Building the app (remix vite:build)", ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"]);
}
