// The demo's token minting and App Bridge stand-in exist only when the demo command started the server.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server.ts";

let normal: AppServer;
let leaked: AppServer;
let leakedLocally: AppServer;
let throughNpmStart: AppServer;
const demoShopEnv = { OKENDO_BRAZE_DEMO_SHOP: "victim.myshopify.com" };
beforeAll(async () => {
  normal = await startAppServer();
  // The variable leaked into a deployed app's environment: not on localhost, so still no demo mode.
  leaked = await startAppServer({ ...demoShopEnv, SHOPIFY_APP_URL: "https://app.example.com" });
  // The variables of a demo, but the process was not started by the demo command (no --demo).
  leakedLocally = await startAppServer({ ...demoShopEnv, SHOPIFY_APP_URL: "http://localhost:3000" });
  // --demo passed through `npm start`: a production start is never a demo.
  throughNpmStart = await startAppServer(
    { ...demoShopEnv, SHOPIFY_APP_URL: "http://localhost:3000", npm_lifecycle_event: "start" },
    { args: ["--demo"] },
  );
});
afterAll(async () => {
  for (const server of [normal, leaked, leakedLocally, throughNpmStart]) await server?.stop();
});

it("a start other than the demo command's serves neither the demo page nor the App Bridge stand-in", async () => {
  for (const server of [normal, leaked, leakedLocally, throughNpmStart]) {
    expect((await fetch(`${server.url}/demo`, { redirect: "manual" })).status).toBe(404);
    expect((await fetch(`${server.url}/demo/app-bridge.js`)).status).toBe(404);
  }
});
