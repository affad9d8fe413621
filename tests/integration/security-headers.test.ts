// Every answer carries the headers that keep a browser from misreading or framing it, including the pages reached
// without ?shop= (Shopify's own helper adds frame-ancestors only when the shop is known).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server.ts";

let app: AppServer;
beforeAll(async () => {
  app = await startAppServer();
});
afterAll(() => app?.stop());

it.each(["/", "/auth/login", "/app/activity", "/app", "/webhooks/okendo/unknown"])("%s", async (path) => {
  const response = await fetch(app.url + path, { redirect: "manual" });
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  if (response.headers.get("content-type")?.startsWith("text/html")) {
    expect(response.headers.get("content-security-policy")).toMatch(
      /frame-ancestors [^;]*https:\/\/admin\.shopify\.com/,
    );
  }
});
