// The guards that make the README's two commands fail fast and say what to do (docs/decisions/0011).
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { StepFailed, runStep } from "../../scripts/child-step.mjs";

function node(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it("stops a script started by a Node that is too old, with one line saying to run it through npm", () => {
  const run = node([
    "--input-type=module",
    "-e",
    'import("./scripts/node-version.mjs").then((m) => m.requireNode("99.0.0"))',
  ]);
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^okendo-braze needs Node 99\.0\.0 or newer, and this is Node \d+\.\d+\.\d+ \(.*\)\. Run it through npm/,
  );
});

it("lets the current Node through", () => {
  const run = node(["--input-type=module", "-e", 'import("./scripts/node-version.mjs").then((m) => m.requireNode())']);
  expect(run).toMatchObject({ status: 0, stderr: "" });
});

it("ensure-native does nothing, quietly, when better-sqlite3 loads", () => {
  expect(node(["scripts/ensure-native.mjs"])).toMatchObject({ status: 0, stdout: "", stderr: "" });
});

it("ensure-chromium names a CHROMIUM_PATH that does not exist, in one line", () => {
  const run = node(["scripts/ensure-chromium.mjs"], { CHROMIUM_PATH: "/nowhere/chromium" });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe("CHROMIUM_PATH is /nowhere/chromium, which does not exist. Fix it or unset it.\n");
});

it("a failing child step reports its own output, not just its exit code", () => {
  const step = () =>
    runStep("Doing the thing", ["-e", 'console.log("progress"); console.error("the real cause"); process.exit(3)']);
  expect(step).toThrow(StepFailed);
  expect(step).toThrow("Doing the thing failed (exit 3):\nprogress\nthe real cause");
});
