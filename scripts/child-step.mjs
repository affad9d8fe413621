// One step of a script, run as a child Node process with its output captured. On success the output is returned;
// on failure the error carries the step's own output, so the script shows why the step failed — not just
// "Command failed: node …".
import { spawnSync } from "node:child_process";

export class StepFailed extends Error {}

/**
 * @param {string} label what the step does, e.g. "Applying migrations"
 * @param {string[]} args arguments to Node (a script and its arguments)
 * @param {import("node:child_process").SpawnSyncOptions} [options]
 */
export function runStep(label, args, options = {}) {
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.status === 0) return result.stdout;
  const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  throw new StepFailed(`${label} failed (${why}):\n${output}`);
}
