// Opens the app's admin pages the way Shopify admin would: a minted session token, a stored offline session,
// and App Bridge's CDN script replaced at the network layer. Each test gets its own shop.
import { test as base, expect, type Page } from "@playwright/test";
import type { PrismaClient } from "@prisma/client";
import { APP_BRIDGE_STAND_IN } from "../../app/demo/app-bridge-stand-in.ts";
import { embeddedAppPath, mintSessionToken, openDatabase, seedOfflineSession } from "../support/shopify.ts";

export interface AdminSession {
  shop: string;
  token: string;
  open: (path?: string) => Promise<void>;
}

interface Fixtures {
  // The page openAdmin opens (and open() reopens): the home page, unless a spec is about another one
  // (`test.use({ adminPath: "/app/settings" })`).
  adminPath: string;
  appUrl: string;
  simulatorUrl: string;
  db: PrismaClient;
  openAdmin: (page: Page, shop?: string) => Promise<AdminSession>;
  shop: string;
}

export const test = base.extend<Fixtures>({
  adminPath: ["/app", { option: true }],
  appUrl: async ({}, use) => use(process.env.E2E_APP_URL!),
  simulatorUrl: async ({}, use) => use(process.env.E2E_SIMULATOR_URL!),
  db: async ({}, use) => {
    const db = openDatabase(process.env.E2E_DATABASE_URL!);
    await use(db);
    await db.$disconnect();
  },
  shop: async ({}, use) => use(`e2e-${crypto.randomUUID().slice(0, 8)}.myshopify.com`),
  openAdmin: async ({ adminPath, appUrl, db, shop: defaultShop }, use) => {
    await use(async (page, shop = defaultShop) => {
      await seedOfflineSession(db, shop);
      const token = await mintSessionToken(shop);
      await page.route("https://cdn.shopify.com/**", (route) =>
        route.request().url().includes("app-bridge.js")
          ? route.fulfill({ contentType: "text/javascript", body: APP_BRIDGE_STAND_IN })
          : route.fulfill({ status: 204, body: "" }),
      );
      const open = async (path = adminPath) => {
        // networkidle: React has hydrated the server-rendered page (its scripts and route manifest have loaded),
        // so a test's first click or selection is not lost to, or undone by, hydration.
        await page.goto(appUrl + embeddedAppPath(shop, token, path), { waitUntil: "networkidle" });
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      };
      await open();
      return { shop, token, open };
    });
  },
});

export { expect };

export async function simulatorControl(simulatorUrl: string, path: string, body?: unknown) {
  const response = await fetch(`${simulatorUrl}/__simulator/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** The Okendo simulator's control API (tests/support/okendo-simulator.ts). */
export async function okendoControl(path: string, body?: unknown) {
  const response = await fetch(`${process.env.E2E_OKENDO_ORIGIN}/__simulator/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`okendo-simulator ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
