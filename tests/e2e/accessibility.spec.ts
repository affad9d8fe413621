// axe-core on every admin page, in the states a merchant sees them. Fails on any serious or critical violation.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, simulatorControl, screenshot } from "./fixtures";
import { createShop } from "../support/okendo.ts";
import { envelope, openPath, post, rowsIn } from "./activity-support";

async function expectNoSeriousViolations(page: Page, name: string) {
  await screenshot(page, `axe-${name}`);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
    }));
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("settings, disconnected", async ({ page, openAdmin }) => {
  await openAdmin(page);
  await expect(page.getByRole("region", { name: "Braze" }).getByLabel("API Key")).toBeVisible();
  await expectNoSeriousViolations(page, "settings-disconnected");
});

test("settings, connected", async ({ page, openAdmin, db, simulatorUrl }) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await openAdmin(page, shop.domain);
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
  await expectNoSeriousViolations(page, "settings-connected");
});

test("activity, empty", async ({ page, openAdmin }) => {
  const admin = await openAdmin(page);
  await admin.open("/app/activity");
  await expect(page.getByText("Nothing sent to Braze yet")).toBeVisible();
  await expectNoSeriousViolations(page, "activity-empty");
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
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(4);
  await expectNoSeriousViolations(page, "activity-rows");

  await page.getByRole("button", { name: "Status" }).click();
  await expect(page.getByRole("checkbox", { name: "Failed" })).toBeVisible();
  await expectNoSeriousViolations(page, "activity-status-filter-open");
  await page.keyboard.press("Escape");

  await openPath(page, admin, "/app/activity", "status=skipped");
  await expect(page.getByText("No deliveries match these filters")).toBeVisible();
  await expectNoSeriousViolations(page, "activity-no-match");

  for (const [name, id] of [
    ["delivered", delivered!.id],
    ["failed", failed!.id],
    ["unmapped", unmapped!.id],
  ] as const) {
    await openPath(page, admin, `/app/activity/${id}`);
    await expect(page.getByRole("heading", { name: "Summary" })).toBeVisible();
    await expectNoSeriousViolations(page, `activity-detail-${name}`);
  }
});
