// The home page: health at a glance — what needs the merchant (every state of the health banner, with counts and
// links to those deliveries in Activity), the connections, the last 24 hours, the 14-day chart and its text
// alternative, and the events with their switches and trends.
import type { Prisma } from "@prisma/client";
import { createShop } from "../support/okendo.ts";
import { test, expect, simulatorControl, screenshot } from "./fixtures";
import { envelope, post, rowsIn } from "./activity-support";

const DAY = 86_400_000;
const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
const dayName = (daysAgo: number) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(Date.now() - daysAgo * DAY),
  );

// A delivery received `daysAgo` days ago (at noon UTC), finished with `status`.
function pastDelivery(shop: string, status: string, daysAgo: number): Prisma.DeliveryCreateManyInput {
  const at = new Date(`${utcDay(daysAgo)}T12:00:00.000Z`);
  return {
    shop,
    kind: "event",
    eventName: "Okendo Review Created",
    identifierType: "external_id",
    customerKey: "7001234567890",
    shopifyCustomerId: "7001234567890",
    payload: "{}",
    status,
    attempts: 1,
    createdAt: at,
    nextAttemptAt: new Date(Date.now() + 365 * DAY), // nothing picks these up during the test
    ...(status === "delivered" ? { deliveredAt: at } : { lastError: "Braze answered HTTP 400: Invalid request" }),
  };
}

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("shows the connections, the last 24 hours, and 14 days of deliveries as a chart with a table", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await post(
    shop,
    envelope("Okendo Review Created", { email: "jane@example.com", shopifyCustomerId: "7001" }, { rating: 5 }),
  );
  await rowsIn(db, shop.domain, ["delivered"], 2);
  await db.delivery.createMany({
    data: [
      ...Array.from({ length: 5 }, () => pastDelivery(shop.domain, "delivered", 3)),
      ...Array.from({ length: 2 }, () => pastDelivery(shop.domain, "failed", 3)),
      pastDelivery(shop.domain, "dead_letter", 13),
      pastDelivery(shop.domain, "delivered", 20), // before the chart's 14 days
    ],
  });

  await openAdmin(page, shop.domain);
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  const connections = page
    .getByRole("heading", { name: "Connections" })
    .locator("xpath=ancestor::div[contains(@class,'Polaris-ShadowBevel')][1]");
  await expect(connections).toContainText("Braze");
  await expect(connections).toContainText("Connected");
  await expect(connections).toContainText("Set up by hand"); // Okendo: received through the shop's own URL
  await expect(page.getByRole("link", { name: "2 delivered in the last 24 hours" })).toHaveAttribute(
    "href",
    /\/app\/activity\?status=delivered&tests=shown$/,
  );
  await expect(page.getByRole("link", { name: "0 failed in the last 24 hours" })).toBeVisible();

  const table = page.getByRole("table", { name: "Deliveries per day, last 14 days (UTC)" });
  await expect(table.getByRole("row")).toHaveCount(15);
  await expect(table.getByRole("row", { name: dayName(3) })).toHaveText(`${dayName(3)}52`);
  await expect(table.getByRole("row", { name: dayName(13) })).toHaveText(`${dayName(13)}01`);
  await expect(table.getByRole("row", { name: dayName(0) })).toHaveText(`${dayName(0)}20`);
  await expect(page.getByText("7 delivered, 3 failed, by the day they were received (UTC).")).toBeVisible();
  // The chart itself is drawn once the page is interactive.
  await expect(page.locator("[inert] svg").first()).toBeVisible();
  await screenshot(page, "home");
});

test("deliveries the app paused itself (it cannot read the stored key) show the reason and the waiting deliveries", async ({
  page,
  openAdmin,
  db,
}) => {
  const shop = await createShop(db); // not connected: what arrives waits
  await post(shop, envelope("Okendo Review Request", { shopifyCustomerId: "7001" }, { order_id: "1" }));
  await rowsIn(db, shop.domain, ["queued"], 1);
  const reason =
    "Deliveries are paused: the app cannot read the stored Braze key with its current encryption key (test). " +
    "This is a problem on the app's side, not with your Braze key; nothing is lost, and deliveries resume by themselves once it is fixed.";
  await db.shop.update({
    where: { domain: shop.domain },
    data: { deliveryPausedReason: reason, deliveryPausedUntil: new Date(Date.now() + 60_000) },
  });

  await openAdmin(page, shop.domain);
  await expect(page.getByText("Deliveries are paused by the app")).toBeVisible();
  await expect(page.getByText(reason)).toBeVisible();
  const waiting = page.getByRole("link", { name: "1 delivery waiting" });
  await expect(waiting).toHaveAttribute(
    "href",
    /\/app\/activity\?status=queued%2Cwaiting_identity%2Cretrying&tests=shown$/,
  );
  await screenshot(page, "banner-paused");
  await waiting.click();
  await expect(page.getByRole("list", { name: "Received messages" }).locator(":scope > li")).toHaveCount(1);
});

test("a switch whose save fails goes back and says why, next to it", async ({ page, openAdmin }) => {
  await openAdmin(page);
  const quiz = page.getByRole("switch", { name: "Submitted Okendo Quiz", exact: true });
  await expect(quiz).toBeChecked();
  // The save reaches the server with an event it does not know: its real answer, a 422 with the reason.
  await page.route(
    (url) => url.pathname.endsWith(".data"),
    (route) =>
      route.request().method() === "POST"
        ? route.continue({
            postData: (route.request().postData() ?? "").replace("Submitted+Okendo+Quiz", "No+such+event"),
          })
        : route.continue(),
  );
  await quiz.click();
  await expect(page.getByText("Not saved: this app does not know that event.")).toBeVisible();
  await expect(quiz).toBeChecked();
  await expect(quiz).toHaveAccessibleDescription(/Not saved: this app does not know that event\./);
  await expect(page.getByRole("status").filter({ hasText: "switched off" })).toHaveCount(0);
  await screenshot(page, "switch-save-failed");
});

test("the admin stand-in draws the app's navigation as admin's sidebar (a bar at 375 px), the current page marked", async ({
  page,
  openAdmin,
}) => {
  await openAdmin(page);
  const nav = page.locator("ui-nav-menu");
  await expect(nav.getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
  const sidebar = (await nav.boundingBox())!;
  expect(sidebar).toMatchObject({ x: 0, y: 0, width: 240 });
  const main = (await page.getByRole("heading", { level: 1 }).boundingBox())!;
  expect(main.x).toBeGreaterThan(240);
  await screenshot(page, "navigation-1280");

  await nav.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Activity" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Activity" })).toHaveAttribute("aria-current", "page");

  await page.setViewportSize({ width: 375, height: 800 });
  const bar = (await nav.boundingBox())!;
  expect(bar.width).toBe(375);
  expect(bar.height).toBeLessThan(80);
  await nav.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await screenshot(page, "navigation-375");
});
