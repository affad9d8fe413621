// Per-event switches on the home page (a switched-off event is stored as skipped and never sent; each save confirmed,
// each failure shown inline), received counts and trends, "Send test events" in Settings with per-event results,
// and the health banners on the home page (key rejected with Reconnect, failed, dead letters, retrying).
import type { Page } from "@playwright/test";
import { CATALOG_EVENT_NAMES } from "../../app/catalog/names.ts";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import { test, expect, simulatorControl, screenshot } from "./fixtures";

const TEST_USER = "okendo-braze-test-user";

interface BrazeEvent {
  name: string;
  external_id?: string;
  properties?: Record<string, unknown>;
}

interface BrazeAttributes {
  external_id?: string;
  [key: string]: unknown;
}

const brazeEvents = async (simulatorUrl: string): Promise<BrazeEvent[]> => simulatorControl(simulatorUrl, "events");

// A shop connected to the simulator, identified by email (no Shopify customer look-ups), with a known signing secret.
const connectedShop = (db: Parameters<typeof createShop>[0], domain: string, simulatorUrl: string) =>
  createShop(db, { domain, brazeUrl: simulatorUrl, identifyByCustomerId: false });

async function postEvent(
  appUrl: string,
  shop: TestShop,
  event: string,
  email: string,
  properties: Record<string, unknown> = {},
) {
  const { response } = await postOkendo(appUrl, shop, {
    event,
    occurredAt: new Date().toISOString(),
    customer: { email },
    properties,
  });
  expect(response.status).toBe(200);
}

const eventSwitch = (page: Page, name: string) => page.getByRole("switch", { name, exact: true });

// A click before React has hydrated the server-rendered page would be undone by hydration.
const hydrated = (page: Page) => page.waitForLoadState("networkidle");

async function switchEvent(page: Page, name: string, on: boolean) {
  await hydrated(page);
  await eventSwitch(page, name).setChecked(on);
  await expect(eventSwitch(page, name)).toBeEnabled(); // disabled while saving
}
const resultRow = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("a switched-off event is stored as skipped and not sent; switched back on, new events are sent; the switch persists", async ({
  page,
  openAdmin,
  appUrl,
  simulatorUrl,
  db,
  shop,
}) => {
  const okendo = await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page);
  await expect(page.getByRole("heading", { name: "Events", exact: true })).toBeVisible();
  for (const group of ["Reviews", "Referrals", "Loyalty", "Surveys", "Quizzes"]) {
    await expect(page.getByRole("cell", { name: group, exact: true }).first()).toBeVisible();
  }
  for (const name of CATALOG_EVENT_NAMES) await expect(eventSwitch(page, name)).toBeChecked();

  await switchEvent(page, "Okendo Review Created", false);
  await expect(page.getByRole("status").filter({ hasText: "Okendo Review Created switched off" })).toBeVisible();
  await admin.open();
  await expect(eventSwitch(page, "Okendo Review Created")).not.toBeChecked();
  await expect(eventSwitch(page, "Okendo Review Request")).toBeChecked();
  await screenshot(page, "event-switched-off");

  // Switched off: accepted (200) and stored, as skipped; a later event of another type is sent, this one never.
  await postEvent(appUrl, okendo, "Okendo Review Created", "off@example.com", { rating: 2 });
  await postEvent(appUrl, okendo, "Submitted Okendo Quiz", "off@example.com", { quiz_name: "Skin finder" });
  await waitFor(async () => (await brazeEvents(simulatorUrl)).some((e) => e.name === "Submitted Okendo Quiz"));
  expect((await brazeEvents(simulatorUrl)).filter((e) => e.name === "Okendo Review Created")).toEqual([]);
  const skipped = await db.delivery.findMany({ where: { shop, eventName: "Okendo Review Created" } });
  expect(skipped.length).toBeGreaterThan(0);
  expect(skipped.map((row) => row.status)).toEqual(skipped.map(() => "skipped"));
  expect(skipped.every((row) => row.attempts === 0 && row.deliveredAt === null)).toBe(true);

  await switchEvent(page, "Okendo Review Created", true);
  await expect(page.getByRole("status").filter({ hasText: "Okendo Review Created switched on" })).toBeVisible();
  await postEvent(appUrl, okendo, "Okendo Review Created", "on@example.com", { rating: 5 });
  const sent = await waitFor(async () => {
    const reviews = (await brazeEvents(simulatorUrl)).filter((e) => e.name === "Okendo Review Created");
    return reviews.length > 0 && reviews;
  });
  expect(sent.map((e) => e.external_id)).toEqual(["on@example.com"]); // the skipped one is not sent late
  await admin.open();
  await expect(eventSwitch(page, "Okendo Review Created")).toBeChecked();
});

test("each event shows when it was last received and its 7-day count", async ({
  page,
  openAdmin,
  appUrl,
  simulatorUrl,
  db,
  shop,
}) => {
  const okendo = await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page);
  const awarded = eventSwitch(page, "Okendo Loyalty Points Awarded");
  await expect(awarded).toHaveAccessibleDescription(/Not received yet/);

  await postEvent(appUrl, okendo, "Okendo Loyalty Points Awarded", "ada@example.com", { points: 50 });
  await postEvent(appUrl, okendo, "Okendo Loyalty Points Awarded", "bob@example.com", { points: 20 });
  // Earlier days, as the daily counts keep them after old deliveries are pruned: 3 days ago is in the window,
  // 10 days ago is not.
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
  await db.eventDailyCount.createMany({
    data: [
      {
        shop,
        eventName: "Okendo Loyalty Points Awarded",
        day: day(3).toISOString().slice(0, 10),
        count: 5,
        lastReceivedAt: day(3),
      },
      {
        shop,
        eventName: "Okendo Loyalty Points Awarded",
        day: day(10).toISOString().slice(0, 10),
        count: 7,
        lastReceivedAt: day(10),
      },
      {
        shop,
        eventName: "Okendo Loyalty Tier Changed",
        day: day(10).toISOString().slice(0, 10),
        count: 1,
        lastReceivedAt: day(10),
      },
    ],
  });

  await admin.open();
  const today = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date());
  await expect(eventSwitch(page, "Okendo Loyalty Points Awarded")).toHaveAccessibleDescription(
    new RegExp(`Last received ${today}, \\d{2}:\\d{2} UTC · 7 in the last 7 days`),
  );
  const tenDaysAgo = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(day(10));
  await expect(eventSwitch(page, "Okendo Loyalty Tier Changed")).toHaveAccessibleDescription(
    new RegExp(`Last received ${tenDaysAgo}, \\d{2}:\\d{2} UTC · 0 in the last 7 days`),
  );
  await expect(eventSwitch(page, "Okendo Loyalty Points Redeemed")).toHaveAccessibleDescription(/Not received yet/);
  await screenshot(page, "event-counts");
});

test("Send test events: offered after connecting, one event per switched-on event for the test user, each result shown", async ({
  page,
  openAdmin,
  simulatorUrl,
  db,
  shop,
}) => {
  await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page);
  await switchEvent(page, "Submitted Okendo Quiz", false);
  await admin.open("/app/settings");
  await expect(page.getByText("Last successful delivery")).toBeVisible();
  await expect(page.getByText("None yet")).toBeVisible();

  const invitation = page.getByText("Connected. Send test events to Braze?");
  await expect(invitation).toBeVisible();
  await expect(page.getByText(/Sends one sample of each switched-on event \(14\)/)).toBeVisible();
  await screenshot(page, "test-events-invitation");

  await hydrated(page);
  await page.getByRole("button", { name: "Send test events" }).click();
  await expect(page.getByText("14 of 14 delivered.")).toBeVisible({ timeout: 20_000 });
  await expect(invitation).toHaveCount(0);
  const sentNames = CATALOG_EVENT_NAMES.filter((name) => name !== "Submitted Okendo Quiz");
  for (const name of sentNames) await expect(resultRow(page, name)).toContainText("Delivered");
  await expect(resultRow(page, "Submitted Okendo Quiz")).toHaveCount(0);
  await screenshot(page, "test-events-delivered");

  const events = await brazeEvents(simulatorUrl);
  expect(events.every((event) => event.external_id === TEST_USER)).toBe(true);
  expect(events.map((event) => event.name).sort()).toEqual([...sentNames].sort());
  const attributes: BrazeAttributes[] = await simulatorControl(simulatorUrl, "attributes");
  expect(attributes.length).toBeGreaterThan(0);
  for (const object of attributes) {
    expect(object).toMatchObject({
      external_id: TEST_USER,
      email: "okendo-test-user@example.com",
      first_name: "Okendo",
      last_name: "Test User",
    });
  }
  // Test events are not received events: the Events card's counts do not move.
  expect(await db.eventDailyCount.count({ where: { shop } })).toBe(0);

  await admin.open("/app/settings");
  await expect(page.getByText("None yet")).toHaveCount(0);
  await expect(page.getByText("14 of 14 delivered.")).toBeVisible();

  // Any time later: a failing Braze shows each event as failed with Braze's reason; sending again works.
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Simulated bad request" } });
  await hydrated(page);
  await page.getByRole("button", { name: "Send test events" }).click();
  await expect(page.getByText("0 of 14 delivered, 14 failed.")).toBeVisible({ timeout: 20_000 });
  await expect(resultRow(page, "Okendo Review Created")).toContainText("Failed");
  await expect(resultRow(page, "Okendo Review Created")).toContainText(
    "Braze answered HTTP 400: Simulated bad request",
  );
  await screenshot(page, "test-events-failed");

  await page.getByRole("button", { name: "Send test events" }).click();
  await expect(page.getByText("14 of 14 delivered.")).toBeVisible({ timeout: 20_000 });
});

test("a key Braze rejects during delivery shows a critical banner; Reconnect keeps the endpoint and asks only for a key", async ({
  page,
  openAdmin,
  appUrl,
  simulatorUrl,
  db,
  shop,
}) => {
  const okendo = await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page);
  await expect(page.getByText("Braze rejected the API key")).toHaveCount(0);

  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 401 });
  await postEvent(appUrl, okendo, "Okendo Review Request", "ada@example.com");
  await waitFor(
    async () => (await db.shop.findUniqueOrThrow({ where: { domain: shop } })).connectionStatus === "broken",
  );

  // Home: the banner, with the waiting deliveries linked.
  await admin.open();
  await expect(page.getByText("Braze rejected the API key", { exact: true })).toBeVisible();
  await expect(page.getByText("Key rejected", { exact: true })).toBeVisible();
  await expect(page.getByText(/Braze rejected the API key \(401\)\. Reconnect with a valid key\./)).toBeVisible();
  const waiting = await db.delivery.count({ where: { shop, status: "queued" } });
  expect(waiting).toBeGreaterThan(0); // nothing is lost: the event waits for the new key
  await expect(page.getByRole("link", { name: `${waiting} deliveries` })).toHaveAttribute(
    "href",
    /\/app\/activity\?status=queued%2Cwaiting_identity%2Cretrying&tests=shown$/,
  );
  await screenshot(page, "banner-key-rejected");

  // Settings: Reconnect asks for a key only; the endpoint stays.
  await page.getByRole("link", { name: "Reconnect" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send test events" })).toHaveCount(0);
  await hydrated(page);
  await page.getByRole("button", { name: "Reconnect" }).click();
  await expect(page.getByLabel("API Endpoint")).toHaveCount(0);
  await expect(page.getByText(simulatorUrl)).toBeVisible();
  await screenshot(page, "reconnect-form");
  await page.getByRole("region", { name: "Braze" }).getByLabel("API Key").fill(`valid-${crypto.randomUUID()}-New1`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connected to Braze" })).toBeVisible();
  await expect(page.getByText("••••••••New1")).toBeVisible();
  expect(await db.shop.findUniqueOrThrow({ where: { domain: shop } })).toMatchObject({
    connectionStatus: "connected",
    brazeEndpoint: simulatorUrl,
    brazeApiKeyLast4: "New1",
  });
  await waitFor(async () => (await db.delivery.count({ where: { shop, status: "queued" } })) === 0);
  expect((await brazeEvents(simulatorUrl)).map((event) => event.name)).toContain("Okendo Review Request");
});

test("test deliveries Braze refused (400) show a failed-deliveries banner linking to them in Activity", async ({
  page,
  openAdmin,
  simulatorUrl,
  db,
  shop,
}) => {
  await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page, shop);
  await admin.open("/app/settings");
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Simulated bad request" } });
  await hydrated(page);
  await page.getByRole("button", { name: "Send test events" }).click();
  await expect(page.getByText("0 of 15 delivered, 15 failed.")).toBeVisible({ timeout: 20_000 });
  const failed = await db.delivery.count({ where: { shop, status: "failed" } });

  await admin.open();
  await expect(page.getByText("Some deliveries did not reach Braze")).toBeVisible();
  await expect(page.getByText(`${failed} deliveries failed permanently: Braze refused them`)).toBeVisible();
  await screenshot(page, "banner-failed");
  await page.getByRole("link", { name: "View failed deliveries" }).click();

  await expect(page).toHaveURL(/\/app\/activity\?status=failed&tests=shown/);
  const messages = page.getByRole("list", { name: "Received messages" }).locator(":scope > li");
  await expect(messages).toHaveCount(1);
  await expect(messages.first()).toContainText("15 events");
  await expect(messages.first()).toContainText("Test");
  await expect(messages.first()).toContainText("Failed");
});

test("dead letters and retrying deliveries show a warning with counts and links to the filtered activity log", async ({
  page,
  openAdmin,
  db,
  shop,
}) => {
  await openAdmin(page);
  await expect(page.getByText("Some deliveries did not reach Braze")).toHaveCount(0);

  const row = (status: string) => ({
    shop,
    kind: "event",
    eventName: "Okendo Review Created",
    identifierType: "external_id",
    customerKey: "ada@example.com",
    payload: "{}",
    status,
    attempts: 12,
    lastError: "Braze answered HTTP 503",
    // Far in the future: nothing picks these up during the test run.
    nextAttemptAt: new Date(Date.now() + 365 * 86_400_000),
  });
  await db.delivery.createMany({ data: [row("dead_letter"), row("dead_letter"), row("dead_letter")] });

  await page.reload();
  await expect(page.getByText("Some deliveries did not reach Braze")).toBeVisible();
  await expect(page.getByText(/3 dead letters: no longer retried after 24 hours of failures/)).toBeVisible();
  await expect(page.getByRole("link", { name: "View dead letters" })).toHaveAttribute(
    "href",
    /\/app\/activity\?status=dead_letter&tests=shown$/,
  );
  await expect(page.getByRole("link", { name: "View retrying deliveries" })).toHaveCount(0);
  await screenshot(page, "banner-dead-letters");

  await db.delivery.createMany({ data: [row("retrying")] });
  await page.reload();
  await expect(page.getByText(/1 delivery is being retried/)).toBeVisible();
  await expect(page.getByRole("link", { name: "View retrying deliveries" })).toHaveAttribute(
    "href",
    /\/app\/activity\?status=retrying&tests=shown$/,
  );
  await expect(page.getByText(/3 dead letters/)).toBeVisible();
});

// Last: a real 500 from Braze leaves rows retrying; the test then lets them through so nothing leaks into later tests.
test("deliveries Braze failed with 5xx show a retrying warning until they are delivered", async ({
  page,
  openAdmin,
  appUrl,
  simulatorUrl,
  db,
  shop,
}) => {
  const okendo = await connectedShop(db, shop, simulatorUrl);
  const admin = await openAdmin(page);

  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 500 });
  await postEvent(appUrl, okendo, "Okendo Referral Invitation", "sam@example.com", { referrer_first_name: "Jane" });
  const retrying = await waitFor(async () => {
    const n = await db.delivery.count({ where: { shop, status: "retrying" } });
    return n > 0 && n;
  });

  await admin.open();
  await expect(page.getByText("Some deliveries are waiting to be retried")).toBeVisible();
  const counted = retrying === 1 ? "1 delivery is being retried" : `${retrying} deliveries are being retried`;
  await expect(page.getByText(counted, { exact: false })).toBeVisible();
  await expect(page.getByRole("link", { name: "View retrying deliveries" })).toHaveAttribute(
    "href",
    /\/app\/activity\?status=retrying&tests=shown$/,
  );
  await expect(page.getByRole("link", { name: "View dead letters" })).toHaveCount(0);
  await screenshot(page, "banner-retrying");

  // Due now instead of after the backoff: the worker delivers them and the warning goes away.
  await db.delivery.updateMany({ where: { shop, status: "retrying" }, data: { nextAttemptAt: new Date() } });
  await waitFor(async () => (await db.delivery.count({ where: { shop, status: { not: "delivered" } } })) === 0);
  await admin.open();
  await expect(page.getByText("Some deliveries are waiting to be retried")).toHaveCount(0);
  await expect(page.getByText(/Last delivery \d/)).toBeVisible();
});
