// axe-core on every admin page, in the states a merchant sees them, at 1280 and 375 px. Fails on any violation, of
// any impact, in the app's own markup (the App Bridge stand-in's toasts stand for Shopify admin's and are left out).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, simulatorControl, screenshot } from "./fixtures";
import { createShop } from "../support/okendo.ts";
import { envelope, messageRows, openPath, post, rowsIn } from "./activity-support";

async function expectNoViolations(page: Page, name: string) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 800 : 900 });
    await screenshot(page, `axe-${name}-${width}`);
    const { violations } = await new AxeBuilder({ page }).exclude("[data-app-bridge-stand-in]").analyze();
    const found = violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
    }));
    expect(found, `${name} at ${width} px: ${JSON.stringify(found, null, 2)}`).toEqual([]);
  }
}

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("home, new shop", async ({ page, openAdmin }) => {
  await openAdmin(page);
  await expect(page.getByRole("table", { name: "Deliveries per day, last 14 days (UTC)" })).toBeAttached();
  await expectNoViolations(page, "home-new");
});

test("home with deliveries, a failed one, and its banner", async ({ page, openAdmin, db, simulatorUrl }) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await post(shop, envelope("Okendo Review Created", { email: "jane.doe@example.com", shopifyCustomerId: "7001" }));
  await rowsIn(db, shop.domain, ["delivered"], 1);
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Invalid request" } });
  await post(shop, envelope("Submitted Okendo Survey", { shopifyCustomerId: "7002" }, { survey_name: "NPS" }));
  await rowsIn(db, shop.domain, ["failed"], 1);
  await openAdmin(page, shop.domain);
  await expect(page.getByText("Some deliveries did not reach Braze")).toBeVisible();
  await expect(page.locator("[inert] svg").first()).toBeVisible();
  await expectNoViolations(page, "home-with-deliveries");
});

test("settings, disconnected", async ({ page, openAdmin }) => {
  const admin = await openAdmin(page);
  await admin.open("/app/settings");
  await expect(page.getByRole("region", { name: "Braze" }).getByLabel("API Key")).toBeVisible();
  await expectNoViolations(page, "settings-disconnected");
});

test("settings, connected, and the Disconnect confirmation", async ({ page, openAdmin, db, simulatorUrl }) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/settings");
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
  await expectNoViolations(page, "settings-connected");
  await page.getByRole("region", { name: "Braze" }).getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("dialog", { name: "Disconnect Braze?" })).toBeVisible();
  await expectNoViolations(page, "settings-disconnect-confirmation");
});

test("activity, empty", async ({ page, openAdmin }) => {
  const admin = await openAdmin(page);
  await admin.open("/app/activity");
  await expect(page.getByText("Nothing sent to Braze yet")).toBeVisible();
  await expectNoViolations(page, "activity-empty");
});

test("activity with rows, its filters, and the detail views", async ({ page, openAdmin, db, simulatorUrl }) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await post(
    shop,
    envelope("Okendo Review Created", { email: "jane.doe@example.com", shopifyCustomerId: "7001" }, { rating: 5 }),
  );
  await rowsIn(db, shop.domain, ["delivered"], 2);
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Invalid request" } });
  await post(shop, envelope("Submitted Okendo Survey", { shopifyCustomerId: "7002" }, { survey_name: "NPS" }));
  const [failed] = await rowsIn(db, shop.domain, ["failed"], 1);
  await post(shop, { hello: "not an Okendo message" });
  const [unmapped] = await rowsIn(db, shop.domain, ["unmapped"], 1);
  const delivered = (await rowsIn(db, shop.domain, ["delivered"], 2)).find((row) => row.kind === "event");

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  await expect(messageRows(page)).toHaveCount(3);
  await expectNoViolations(page, "activity-rows");
  await messageRows(page)
    .filter({ hasText: "Okendo Review Created" })
    .getByRole("button", { name: "2 deliveries" })
    .click();
  await expectNoViolations(page, "activity-expanded");

  await page.getByRole("button", { name: "Status" }).click();
  await expect(page.getByRole("checkbox", { name: "Failed" })).toBeVisible();
  await expectNoViolations(page, "activity-status-filter-open");
  await page.keyboard.press("Escape");

  await openPath(page, admin, "/app/activity", "status=skipped");
  await expect(page.getByText("No deliveries match these filters")).toBeVisible();
  await expectNoViolations(page, "activity-no-match");

  for (const [name, id] of [
    ["delivered", delivered!.id],
    ["failed", failed!.id],
    ["unmapped", unmapped!.id],
  ] as const) {
    await openPath(page, admin, `/app/activity/${id}`);
    await expect(page.getByRole("heading", { name: "Summary" })).toBeVisible();
    await expectNoViolations(page, `activity-detail-${name}`);
  }
});
