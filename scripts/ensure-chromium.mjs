// Run by `npm test` before the browser tests: they drive Debian's Chromium, because Playwright cannot download its
// own browsers on these machines (only the npm registry and Debian's archive are reachable). When Chromium is
// missing, it installs Debian's `chromium` package as root (or with password-less sudo); otherwise it says, in one
// line, the command to run. CHROMIUM_PATH points the tests at another Chromium or Chrome. See docs/decisions/0011.
import { spawnSync } from "node:child_process";
import { existsSync, writeSync } from "node:fs";

const configured = process.env.CHROMIUM_PATH;
if (configured) {
  if (!existsSync(configured)) fail(`CHROMIUM_PATH is ${configured}, which does not exist. Fix it or unset it.`);
  process.exit(0);
}
if (found("chromium")) process.exit(0);

const install = "apt-get install -y chromium";
if (!found("apt-get")) {
  fail("The browser tests need Chromium: install it with your package manager, or set CHROMIUM_PATH to a Chrome.");
}
const asRoot = process.getuid?.() === 0;
const sudo = !asRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
if (!asRoot && !sudo) fail(`The browser tests need Debian's Chromium: run sudo ${install}, then npm test again.`);

console.log(`Installing Debian's chromium for the browser tests (${sudo ? "sudo " : ""}${install})…`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [
  ["update", "-qq"],
  ["install", "-y", "-qq", "chromium"],
]) {
  const command = sudo ? ["sudo", "-n", "apt-get", ...args] : ["apt-get", ...args];
  const result = spawnSync(command[0], command.slice(1), { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    writeSync(2, `${result.stdout ?? ""}${result.stderr ?? ""}`);
    fail(
      `${command.join(" ")} failed (exit ${result.status}, its output above). Install chromium, then npm test again.`,
    );
  }
}
if (!found("chromium"))
  fail(`apt-get installed chromium but it is not on PATH. Set CHROMIUM_PATH, then npm test again.`);
console.log(spawnSync("chromium", ["--version"], { encoding: "utf8" }).stdout.trim());

function found(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function fail(line) {
  console.error(line);
  process.exit(1);
}
