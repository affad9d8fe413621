// Import history on the Okendo card, driven by its labels through the real authenticate.admin, with Okendo's
// Merchant API replaced at the network edge by the simulator (its rate limit on: about 2 requests a second).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, okendoControl, screenshot } from "./fixtures";

test.use({ adminPath: "/app/settings" });

const okendo = (page: Page) => page.getByRole("region", { name: "Okendo" });
const history = (page: Page) => okendo(page).getByRole("region", { name: "Import history" });
const progress = (page: Page) =>
  history(page)
    .getByRole("status")
    .filter({ hasText: /Reading reviews|Sending/ });

test("Import history says it sends attributes only, shows its progress across a reload, and ends with a summary", async ({
  page,
  openAdmin,
  db,
}) => {
  // 3,000 reviews: 30 pages at Okendo's pace, long enough to reload the page in the middle.
  const account: { userId: string; apiKey: string } = await okendoControl("accounts", {
    reviews: 3000,
    customers: 300,
  });
  const { shop } = await openAdmin(page);
  await expect(okendo(page).getByText("Not connected")).toBeVisible();
  // Not offered before Okendo is connected: it reads through Okendo's API.
  await expect(history(page)).toHaveCount(0);
  await okendo(page).getByLabel("Okendo User ID").fill(account.userId);
  await okendo(page).getByLabel("API Key").fill(account.apiKey);
  await okendo(page).getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connected to Okendo" })).toBeVisible({ timeout: 20_000 });

  await expect(history(page).getByText(/attributes only, never events/)).toBeVisible();
  await expect(history(page).getByText(/no Canvas or campaign is triggered/)).toBeVisible();
  await expect(history(page).getByText(/Reviews left without an email.* are not attributed/)).toBeVisible();
  await expect(history(page).getByText(/Only approved reviews are read/)).toBeVisible();
  await history(page).getByRole("button", { name: "Import history (attributes only, no events)" }).click();

  await expect(history(page).getByRole("progressbar")).toBeVisible();
  await expect(progress(page)).toContainText(/Reading reviews: [\d,]+ reviews read, 0 customers updated/);
  await expect(progress(page)).toContainText(/minutes? left \(estimate\)\./, {
    timeout: 20_000,
  });
  await screenshot(page, "history-import-running");
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  // The progress is the database's: a reload shows the same import, still running, and the page keeps polling it.
  await page.reload({ waitUntil: "networkidle" });
  await expect(history(page).getByRole("progressbar")).toBeVisible();
  await expect(history(page).getByRole("button", { name: "Cancel import" })).toBeVisible();
  const row = await db.historyImport.findUniqueOrThrow({ where: { shop } });
  expect(row.status).toBe("running");

  await expect(history(page).getByText(/History imported/)).toBeVisible({ timeout: 90_000 });
  await expect(history(page)).toContainText(/2,7\d\d reviews read .* customers updated in Braze, attributes only/);
  await expect(history(page)).toContainText(
    /reviews had no reviewer email or Shopify customer ID and were not attributed/,
  );
  await expect(history(page).getByRole("progressbar")).toHaveCount(0);
  await screenshot(page, "history-import-finished");
});

test("Cancel import stops the import and says so; the button offers a new import", async ({ page, openAdmin }) => {
  const account: { userId: string; apiKey: string } = await okendoControl("accounts", {
    reviews: 3000,
    customers: 300,
  });
  await openAdmin(page);
  await okendo(page).getByLabel("Okendo User ID").fill(account.userId);
  await okendo(page).getByLabel("API Key").fill(account.apiKey);
  await okendo(page).getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connected to Okendo" })).toBeVisible({ timeout: 20_000 });

  await history(page).getByRole("button", { name: "Import history (attributes only, no events)" }).click();
  await expect(history(page).getByRole("progressbar")).toBeVisible();
  await history(page).getByRole("button", { name: "Cancel import" }).click();
  await expect(history(page).getByText(/Import cancelled/)).toBeVisible();
  await expect(
    history(page).getByRole("button", { name: "Import history (attributes only, no events)" }),
  ).toBeVisible();
});
