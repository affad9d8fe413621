// Shared by the activity, home and accessibility browser tests: deliveries made through the real signed ingress,
// and the activity page opened with a query string the way a link (or the settings page's banner) opens it.
import type { Page } from "@playwright/test";
import type { PrismaClient } from "@prisma/client";
import { postOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import { embeddedAppPath } from "../support/shopify.ts";
import { expect, type AdminSession } from "./fixtures";

export function envelope(
  event: string,
  customer: { email?: string; shopifyCustomerId?: string },
  properties: Record<string, unknown> = {},
) {
  return { event, occurredAt: "2026-11-26T10:00:00Z", customer, properties };
}

export async function post(shop: TestShop, body: unknown) {
  const { response, json } = await postOkendo(process.env.E2E_APP_URL!, shop, body);
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

// Until the shop has `count` rows in one of `statuses`.
export async function rowsIn(db: PrismaClient, shop: string, statuses: string[], count: number) {
  return waitFor(async () => {
    const rows = await db.delivery.findMany({ where: { shop, status: { in: statuses } }, orderBy: { id: "asc" } });
    return rows.length >= count ? rows : undefined;
  });
}

export async function openPath(page: Page, admin: AdminSession, path: string, query = "") {
  // networkidle: hydrated, so the test's first click is not lost (as the fixture's open() does).
  const url = process.env.E2E_APP_URL! + embeddedAppPath(admin.shop, admin.token, path) + (query ? `&${query}` : "");
  await page.goto(url, { waitUntil: "networkidle" });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

// The activity log's entries: one per received message.
export const messageRows = (page: Page) => page.getByRole("list", { name: "Received messages" }).locator(":scope > li");
