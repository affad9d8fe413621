// `npm run demo`: the whole product on this machine, on SQLite, with a local Braze simulator playing Braze and
// a demo page playing Shopify admin. Ctrl-C stops everything.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { startBrazeSimulator } from "../tests/support/braze-simulator.ts";
import { mintDemoSessionToken } from "../app/demo/demo-mode.server.ts";

const shop = "okendo-braze-demo.myshopify.com";
const port = Number(process.env.PORT || 3000);
const appUrl = `http://localhost:${port}`;
const databaseFile = "data/demo.sqlite";
const once = process.argv.includes("--once"); // print the report and exit (used by CI)

console.log("Building the app…");
execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: "ignore" });

const simulator = await startBrazeSimulator();
mkdirSync("data", { recursive: true });
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(databaseFile + suffix, { force: true });

const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  DATABASE_URL: `file:./${databaseFile}`,
  SHOPIFY_API_KEY: "okendo-braze-demo",
  SHOPIFY_API_SECRET: randomBytes(24).toString("hex"),
  SHOPIFY_APP_URL: appUrl,
  SCOPES: "read_customers",
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  BRAZE_EXTRA_ENDPOINTS: simulator.url,
  OKENDO_BRAZE_DEMO_SHOP: shop,
};
Object.assign(process.env, env); // the token minting below signs with the same secret as the server

execFileSync(process.execPath, ["scripts/migrate.mjs"], { env, stdio: "ignore" });
const server = spawn(process.execPath, ["server.mjs"], { env, stdio: ["ignore", "ignore", "inherit"] });

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await simulator.close();
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
server.on("exit", (code) => {
  if (!stopping) {
    console.error(`The app server stopped unexpectedly (exit ${code}).`);
    stop(1);
  }
});

await waitFor(appUrl);
const { PrismaClient } = await import("@prisma/client");
const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: env.DATABASE_URL }) });
await db.session.create({
  data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_customers", accessToken: "demo" },
});
await db.$disconnect();

// Connect the demo shop to the simulator through the settings screen's own action.
const token = await mintDemoSessionToken(shop);
const connected = await fetch(`${appUrl}/app?index`, {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "user-agent": "okendo-braze-demo (Mozilla/5.0)" },
  body: new URLSearchParams({ intent: "connect", endpoint: simulator.url, apiKey: `valid-demo-${randomBytes(8).toString("hex")}` }),
});
if (!connected.ok) throw new Error(`Connecting the demo shop failed: HTTP ${connected.status}`);

console.log(`
Okendo → Braze demo is running.
  Admin pages (settings):  ${appUrl}/demo
  Braze simulator:         ${simulator.url}  (requests it received: ${simulator.url}/__simulator/requests)
  Demo shop:               ${shop}, connected to the simulator
Press Ctrl-C to stop.`);
if (once) await stop(0);

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}
