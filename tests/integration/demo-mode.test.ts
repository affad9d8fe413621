// The demo's token minting and App Bridge stand-in exist only when the demo command started the server.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server.ts";

let normal: AppServer;
let leaked: AppServer;
beforeAll(async () => {
  normal = await startAppServer();
  // The variable leaked into a deployed app's environment: not on localhost, so still no demo mode.
  leaked = await startAppServer({
    OKENDO_BRAZE_DEMO_SHOP: "victim.myshopify.com",
    SHOPIFY_APP_URL: "https://app.example.com",
  });
});
afterAll(async () => {
  await normal.stop();
  await leaked.stop();
});

it("a normal start serves neither the demo page nor the App Bridge stand-in", async () => {
  for (const server of [normal, leaked]) {
    expect((await fetch(`${server.url}/demo`, { redirect: "manual" })).status).toBe(404);
    expect((await fetch(`${server.url}/demo/app-bridge.js`)).status).toBe(404);
  }
});
