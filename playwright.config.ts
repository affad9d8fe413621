import { execSync } from "node:child_process";
import { defineConfig } from "@playwright/test";

// Playwright cannot download its own browsers here; Debian's chromium is used instead (`npm test` installs it when
// missing: scripts/ensure-chromium.mjs).
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync("command -v chromium", { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "Chromium not found: run `npm test` (it installs Debian's chromium), `sudo apt-get install -y chromium`, or set CHROMIUM_PATH.",
    );
  }
}

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  // One worker: the tests share one Braze simulator whose failure injection is global.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  outputDir: "test-results/e2e",
  use: {
    // Headless Chromium's default user agent is classified as a bot, which authenticate.admin refuses.
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
