// `npm run demo`: the whole product on this machine, on SQLite, with a local Braze simulator playing Braze, an Okendo
// API simulator playing Okendo and a demo page playing Shopify admin. It connects a demo shop, sends a realistic
// sample of signed Okendo deliveries through the real ingress, connects Okendo through the Okendo card's Connect,
// runs Import history over the simulator's older reviews, and reports what Braze received.
// In a terminal it keeps serving until Ctrl-C. Without one (stdin is not a TTY, or CI is set: CI, scripts) it prints
// the report and exits, 0 when every catalog event reached Braze exactly once. `--once` or `--serve` choose either.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { StepFailed, runStep } from "./child-step.mjs";
import { requireNode } from "./node-version.mjs";
import { buildProduction, productionBuildIsFresh } from "./production-build.mjs";

requireNode("22.18.0"); // the modules below are TypeScript, run as they are (Node's type stripping)
const { startBrazeSimulator } = await import("../tests/support/braze-simulator.ts");
const { startShopifyAdminStandIn } = await import("../tests/support/shopify-admin-stand-in.ts");
const { startOkendoSimulator } = await import("../tests/support/okendo-simulator.ts");
const { adminPageUrl, mintDemoSessionToken } = await import("../app/demo/demo-mode.server.ts");

const shop = "okendo-braze-demo.myshopify.com";
const port = Number(process.env.PORT || 3000);
const appUrl = `http://localhost:${port}`;
const databaseFile = "data/demo.sqlite";
const interactive = process.stdin.isTTY && !process.env.CI;
const once = process.argv.includes("--once") || (!process.argv.includes("--serve") && !interactive);

if (!(await portIsFree(port))) {
  console.error(`Port ${port} is in use (another app or demo?). Choose another one: PORT=${port + 1} npm run demo`);
  process.exit(1);
}
if (!productionBuildIsFresh()) {
  console.log("Building the app…");
  orExit(() => buildProduction());
}

const simulator = await startBrazeSimulator();
// Shopify's Admin API for the identity look-ups (email → customer ID), which only a real shop can answer: a stand-in
// at the network edge that knows the sample's customers.
const shopifyAdmin = await startShopifyAdminStandIn();
// Okendo's Merchant API, with an account whose reviews were written before the app was installed: 14 reviews by 7
// customers (one reviewer left no email; one review is still pending moderation).
const okendo = await startOkendoSimulator();
const okendoAccount = okendo.addAccount({ reviews: 14, customers: 7 });
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
  SHOPIFY_ADMIN_STAND_IN: shopifyAdmin.url,
  OKENDO_EXTRA_API_URLS: okendo.url,
  OKENDO_BRAZE_DEMO_SHOP: shop,
};
Object.assign(process.env, env); // the token minting below signs with the server's secret

orExit(() => runStep("Applying migrations (scripts/migrate.mjs)", ["scripts/migrate.mjs"], { env }));
// `--demo`: the only way to turn demo mode on (app/demo/demo-mode.server.ts); an argument does not leak like a variable.
const server = spawn(
  process.execPath,
  ["--import", "./tests/support/shopify-admin-redirect.mjs", "server.mjs", "--demo"],
  { env, stdio: ["ignore", "ignore", "inherit"] },
);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve()));
  await simulator.close();
  await shopifyAdmin.close();
  await okendo.close();
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
// What Shopify's token exchange stores at install.
await db.session.create({
  data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_customers", accessToken: "demo" },
});
await db.$disconnect();

// Connect the demo shop to the simulator through the settings screen's own action, then read the shop's Okendo
// URL and signing secret off the settings page's "Set up by hand" section (opened by its link), as a merchant would.
const token = await mintDemoSessionToken(shop);
const admin = { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (okendo-braze demo)" };
const connected = await fetch(`${appUrl}/app/settings`, {
  method: "POST",
  headers: admin,
  body: new URLSearchParams({
    intent: "connect",
    endpoint: simulator.url,
    apiKey: `valid-demo-${randomBytes(8).toString("hex")}`,
  }),
});
if (!connected.ok) throw new Error(`Connecting the demo shop failed: HTTP ${connected.status}`);
const manualSetup = `${appUrl}${adminPageUrl(shop, token, "/app/settings")}&setup=manual`;
const settingsPage = await (await fetch(manualSetup, { headers: admin })).text();
const webhookUrl = /value="(http[^"]*\/webhooks\/okendo\/[^"]+)"/.exec(settingsPage)?.[1];
const secret = /value="(whsec_[^"]+)"/.exec(settingsPage)?.[1];
if (!webhookUrl || !secret) throw new Error("The settings page did not show the Okendo URL and signing secret.");

// The sample: Okendo's native webhooks for what Okendo sends natively (a review, a loyalty enrolment, points
// earned, and an edit of the same review, which is not forwarded twice), an envelope for every other catalog event,
// a redelivery of an accepted message, and a delivery with a bad signature.
const fixtures = (folder) =>
  readdirSync(`tests/fixtures/${folder}`)
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join("tests/fixtures", folder, file), "utf8")));
const natives = fixtures("native").filter((fixture) =>
  ["review.create", "review.update", "loyalty_customer.create", "loyalty_earning_transaction.create"].includes(
    fixture.delivery.topic,
  ),
);
const nativeEvents = new Set(["Okendo Review Created", "Enrolled in Okendo Loyalty", "Okendo Loyalty Points Awarded"]);
const envelopes = fixtures("envelopes")
  .map((fixture) => fixture.envelope)
  .filter((envelope) => !nativeEvents.has(envelope.event));
// The shop's customers, as Shopify knows them: the sample's people who have a Shopify customer ID.
const known = envelopes.flatMap(({ customer }) =>
  customer.email && customer.shopifyCustomerId
    ? [{ id: String(customer.shopifyCustomerId), email: customer.email }]
    : [],
);
shopifyAdmin.customers.set(shop, [...new Map(known.map((customer) => [customer.email, customer])).values()]);
const sent = [];
for (const body of [...natives.map((fixture) => fixture.delivery), ...envelopes]) sent.push(await deliver(body));
const duplicate = await deliver(envelopes[0], { id: sent.at(-1).id });
const badSignature = await deliver(envelopes[1], { secret: `whsec_${randomBytes(24).toString("base64")}` });

const expected = new Set([...nativeEvents, ...envelopes.map((envelope) => envelope.event)]);
const deadline = Date.now() + 20_000;
while (Date.now() < deadline && receivedNames().size < expected.size) await sleep(100);
await sleep(500); // anything sent twice would show up by now

const counts = new Map();
for (const event of simulator.events()) counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
const deliveredOnce = [...expected].filter((name) => counts.get(name) === 1);
console.log("\nWhat Braze received, per event:");
for (const name of expected) console.log(`  ${String(counts.get(name) ?? 0).padStart(3)} × ${name}`);
console.log(
  `  ${simulator.attributes().length} attribute updates, in ${simulator.requests.length} /users/track requests`,
);
console.log(`Okendo's edit of the same review: accepted, kept in the activity log, not forwarded a second time`);
console.log(`Redelivery of an accepted message: HTTP ${duplicate.status} ${duplicate.body} — not sent again`);
console.log(`Bad signature: HTTP ${badSignature.status} ${badSignature.body} — nothing stored`);
const eventsOk = deliveredOnce.length === expected.size && duplicate.status === 200 && badSignature.status === 401;
console.log(
  `\n${deliveredOnce.length} of ${expected.size} catalog events delivered exactly once${eventsOk ? "" : " — SOMETHING IS WRONG"}.`,
);

// Okendo connected for real (through the simulator), with the Okendo card's Connect, then Import history.
const history = await connectOkendoAndImport();
console.log(`\nOkendo connected with Connect: ${history.subscriptions} webhook subscriptions created in Okendo.`);
console.log(
  `Import history: ${history.view.reviewsRead} approved reviews read, ${history.view.customersUpdated} customers updated, ` +
    `${history.view.reviewsUnattributed} reviews without a reviewer email not attributed.`,
);
console.log("What Braze received from the import (attributes only):");
for (const update of history.attributes) {
  const who = update.external_id
    ? `${history.emails.get(update.external_id)} (external_id ${update.external_id})`
    : update.email;
  console.log(
    `  ${who}: okendo_number_of_reviews ${update.okendo_number_of_reviews}, okendo_average_review_rating ${update.okendo_average_review_rating}`,
  );
}
console.log(`  ${history.events} events from the import — no Canvas is triggered by old reviews`);
const importOk =
  history.view.status === "finished" &&
  history.events === 0 &&
  history.attributes.length === history.view.customersUpdated &&
  history.attributes.length > 0;
if (!importOk) console.log("Import history — SOMETHING IS WRONG");
const ok = eventsOk && importOk;

console.log(`
Okendo → Braze demo ${once ? "(stopped after the report)" : "is running"}.
  Admin pages:       ${appUrl}/demo
  Okendo webhook:    ${webhookUrl} (signing secret on the settings page)
  Braze simulator:   ${simulator.url}  (what it received: ${simulator.url}/__simulator/requests)
  Okendo API:        ${okendo.url}  (simulator; Okendo User ID ${okendoAccount.userId})
${once ? "Not a terminal (or --once): stopped. Run npm run demo in a terminal to keep it running." : "Press Ctrl-C to stop."}`);
if (once) await stop(ok ? 0 : 1);

// Connect on the Okendo card (the settings page's own action), then Import history (the card's own route), waiting
// for the import to finish and its attributes to reach Braze.
async function connectOkendoAndImport() {
  // The historical reviewers are the shop's customers too, so Braze profiles are named by their customer IDs.
  const reviewers = new Set(okendo.reviews(okendoAccount.userId).flatMap((review) => review.reviewer?.email ?? []));
  const customers = [...reviewers].map((email, index) => ({ id: String(7100000000000 + index), email }));
  shopifyAdmin.customers.set(shop, [...(shopifyAdmin.customers.get(shop) ?? []), ...customers]);

  const connect = await fetch(`${appUrl}/app/settings`, {
    method: "POST",
    headers: admin,
    body: new URLSearchParams({
      intent: "okendo-connect",
      userId: okendoAccount.userId,
      apiKey: okendoAccount.apiKey,
      apiBase: okendo.url,
    }),
  });
  if (!connect.ok) throw new Error(`Connecting Okendo failed: HTTP ${connect.status}`);
  const attributesBefore = simulator.attributes().length;
  const eventsBefore = simulator.events().length;
  const started = await fetch(`${appUrl}/app/okendo-history`, {
    method: "POST",
    headers: admin,
    body: new URLSearchParams({ intent: "start" }),
  });
  if (!started.ok) throw new Error(`Import history did not start: HTTP ${started.status} ${await started.text()}`);
  let view = (await started.json()).view;
  const until = Date.now() + 30_000;
  while (view?.status === "running" && Date.now() < until) {
    await sleep(200);
    view = (await (await fetch(`${appUrl}/app/okendo-history`, { headers: admin })).json()).view;
  }
  while (simulator.attributes().length - attributesBefore < view.customersUpdated && Date.now() < until)
    await sleep(100);
  await sleep(500); // anything sent twice would show up by now
  return {
    view,
    subscriptions: okendo.subscriptions(okendoAccount.userId).length,
    attributes: simulator.attributes().slice(attributesBefore),
    events: simulator.events().length - eventsBefore,
    emails: new Map(customers.map((customer) => [customer.id, customer.email])),
  };
}

async function deliver(body, options = {}) {
  const raw = JSON.stringify(body);
  const id = options.id ?? `msg_${randomBytes(12).toString("hex")}`;
  const now = new Date();
  const response = await fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
      "svix-signature": new Webhook(options.secret ?? secret).sign(id, now, raw),
    },
    body: raw,
  });
  return { id, status: response.status, body: await response.text() };
}

function receivedNames() {
  return new Set(simulator.events().map((event) => event.name));
}

// Runs a step; when it fails, shows the step's own output and stops the demo.
function orExit(step) {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true))); // where the demo's server listens
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not come up`);
}
