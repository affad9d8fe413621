// `npm run demo` as a newcomer runs it: its report must show every catalog event delivered once, the duplicate
// and the bad signature not delivered, Okendo connected and its history imported as attributes only; without a terminal (as here: stdin is not a TTY) it exits after the report,
// as CI runs it; in a terminal (forced here with --serve) it serves until Ctrl-C, which must leave nothing running.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { CATALOG_EVENT_NAMES } from "../../app/catalog/names.ts";
import { freePort } from "../support/app-server.ts";

function runDemo(args: string[], port: number) {
  const child = spawn(process.execPath, ["scripts/demo.mjs", ...args], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function portIsFree(port: number) {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );
}

it("without a terminal, reports every catalog event delivered exactly once, the duplicate and the bad signature not delivered, and exits 0", async () => {
  const port = await freePort();
  const demo = runDemo([], port);
  expect(await demo.exited).toBe(0);
  const report = demo.output();
  for (const name of CATALOG_EVENT_NAMES) expect(report).toContain(`  1 × ${name}\n`);
  expect(report).toContain("15 of 15 catalog events delivered exactly once.");
  expect(report).toMatch(/Redelivery of an accepted message: HTTP 200 \{"status":"duplicate"\} — not sent again/);
  expect(report).toMatch(/Bad signature: HTTP 401 .* — nothing stored/);
  expect(report).toContain(`Admin pages:       http://localhost:${port}/demo`);
  // Okendo connected through its API simulator with the Okendo card's Connect, then Import history: attributes only.
  expect(report).toContain("Okendo connected with Connect: 7 webhook subscriptions created in Okendo.");
  expect(report).toMatch(/Import history: 13 approved reviews read, 6 customers updated, 2 reviews without a reviewer/);
  const imported = report.match(
    /^ {2}customer-\d+@example\.com \(external_id \d+\): okendo_number_of_reviews \d+, okendo_average_review_rating [\d.]+$/gm,
  );
  expect(imported).toHaveLength(6);
  expect(report).toContain("  0 events from the import — no Canvas is triggered by old reviews");
  expect(report).not.toContain("SOMETHING IS WRONG");
  expect(await portIsFree(port)).toBe(true);
}, 90_000);

it("says in one line which port to use when its port is taken", async () => {
  const port = await freePort();
  const blocker = createServer().listen(port);
  try {
    const demo = runDemo([], port);
    expect(await demo.exited).toBe(1);
    expect(demo.output().trim()).toBe(
      `Port ${port} is in use (another app or demo?). Choose another one: PORT=${port + 1} npm run demo`,
    );
  } finally {
    blocker.close();
  }
});

it("serves the admin pages until Ctrl-C, then leaves nothing running", async () => {
  const port = await freePort();
  const demo = runDemo(["--serve"], port);
  const deadline = Date.now() + 60_000;
  while (!demo.output().includes("Press Ctrl-C to stop.") && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));

  const page = await fetch(`http://127.0.0.1:${port}/demo`, { redirect: "manual" });
  expect(page.status).toBe(302);
  expect(page.headers.get("location")).toContain("id_token=");

  demo.child.kill("SIGINT");
  expect(await demo.exited).toBe(0);
  expect(await portIsFree(port)).toBe(true);
}, 90_000);
