// Missed-webhook recovery as the merchant sees it: connect Okendo on the Okendo card, Okendo loses a review's
// delivery upstream, and the app recovers it — the card counts it and Activity shows it as Recovered.
//
// This spec runs its own app server and Okendo simulator: the recovery checks every second here (hourly by default),
// which the shared server of the other specs must not do, and Okendo must be able to deliver to the server's URL.
import AxeBuilder from "@axe-core/playwright";
import { startAppServer, freePort, type AppServer } from "../support/app-server.ts";
import { startOkendoSimulator, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { openDatabase } from "../support/shopify.ts";
import { test as base, expect, screenshot } from "./fixtures";

let app: AppServer;
let okendo: OkendoSimulator;

const test = base.extend({
  appUrl: async ({}, use) => use(app.url),
  db: async ({}, use) => {
    const db = openDatabase(app.databaseUrl);
    await use(db);
    await db.$disconnect();
  },
});

test.use({ adminPath: "/app/settings" });

test.beforeAll(async () => {
  okendo = await startOkendoSimulator({ retryDelaysMs: [50] });
  const port = await freePort();
  app = await startAppServer({
    PORT: String(port),
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    OKENDO_EXTRA_API_URLS: okendo.url,
    OKENDO_RECOVERY_INTERVAL_MS: "1000",
    OKENDO_RECOVERY_GRACE_MS: "0",
  });
});

test.afterAll(async () => {
  await app?.stop();
  await okendo?.close();
});

test("a review whose webhook Okendo lost is recovered: counted on the Okendo card, Recovered in Activity", async ({
  page,
  openAdmin,
}) => {
  const account = okendo.addAccount();
  const admin = await openAdmin(page);
  const card = page.getByRole("region", { name: "Okendo" });
  await card.getByLabel("Okendo User ID").fill(account.userId);
  await card.getByLabel("API Key").fill(account.apiKey);
  await card.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connected to Okendo" })).toBeVisible({ timeout: 20_000 });
  await expect(card.getByText("No review has been missed by Okendo's webhooks so far.")).toBeVisible();

  okendo.dropNextDeliveries(1);
  okendo.addReview(account.userId, { reviewer: { email: "rae.viewer@example.com", name: "Rae Viewer" } });
  expect(okendo.deliveries.at(-1)!.outcome).toBe("dropped");

  // The page shows what the last check found when it is loaded.
  await expect(async () => {
    await admin.open();
    await expect(card.getByText("1 review recovered that Okendo's webhooks missed.")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(card.getByText(/Last checked \d/)).toBeVisible();
  await screenshot(page, "okendo-recovered-count");
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await admin.open("/app/activity");
  const row = page
    .getByRole("list", { name: "Received messages" })
    .locator(":scope > li")
    .filter({ has: page.getByRole("link", { name: "Okendo Review Created", exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("· Recovered");
  await row.getByRole("link", { name: "Okendo Review Created", exact: true }).click();
  await expect(page.getByText(/From Okendo's API \(recovered: its webhook never arrived\)/)).toBeVisible();
  await screenshot(page, "okendo-recovered-activity");
});
