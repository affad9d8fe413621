import { test, expect, simulatorControl, screenshot } from "./fixtures";
import { createShop, waitFor } from "../support/okendo.ts";
import { envelope, openPath, post, rowsIn, messageRows } from "./activity-support";

type SimRequest = {
  path: string;
  status: number;
  body: { events?: Record<string, unknown>[]; attributes?: Record<string, unknown>[] };
};
const trackRequests = async (simulatorUrl: string) =>
  ((await simulatorControl(simulatorUrl, "requests")) as SimRequest[]).filter(
    (request) => request.path === "/users/track",
  );
// How many requests carried an event object with this external_id and name.
const timesSent = (requests: SimRequest[], externalId: string, name: string) =>
  requests.filter((request) =>
    request.body.events?.some((event) => event.external_id === externalId && event.name === name),
  ).length;

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("lists one entry per received message, newest first, with its customer as what it is, and filters by status, event, date and test events", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await post(
    shop,
    envelope(
      "Okendo Review Request",
      { email: "jane.doe@example.com", shopifyCustomerId: "7001234567890" },
      { order_id: "1" },
    ),
  );
  await post(shop, envelope("Submitted Okendo Survey", { shopifyCustomerId: "7002" }, { survey_name: "NPS" }));
  await post(shop, { hello: "not an Okendo message" });
  await rowsIn(db, shop.domain, ["delivered"], 3);
  // A test event (Send test events), as stored: hidden unless asked for.
  const testMessage = await db.inboundMessage.create({
    data: { shop: shop.domain, source: "test", dedupeKey: crypto.randomUUID(), payload: "{}", status: "mapped" },
  });
  await db.delivery.create({
    data: {
      shop: shop.domain,
      inboundId: testMessage.id,
      kind: "event",
      eventName: "Okendo Loyalty Points Awarded",
      identifierType: "external_id",
      customerKey: "okendo-braze-test-user",
      payload: "{}",
      status: "delivered",
      deliveredAt: new Date(),
    },
  });

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  const rows = messageRows(page);
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("Unmapped message");
  await expect(rows.nth(0)).toContainText("Neither an Okendo webhook");
  await expect(rows.nth(1)).toContainText("Submitted Okendo Survey");
  await expect(rows.nth(1)).toContainText("Customer 7002");
  await expect(rows.nth(2)).toContainText("Okendo Review Request");
  await expect(rows.nth(2)).toContainText("With attribute update");
  await expect(rows.nth(2)).toContainText("Customer 7001…890");
  for (const index of [1, 2]) {
    await expect(rows.nth(index)).toContainText("Okendo");
    await expect(rows.nth(index)).toContainText("Delivered");
    await expect(rows.nth(index)).not.toContainText("external_id");
  }
  await expect(page.getByRole("main")).not.toContainText("jane.doe@example.com");
  await expect(page.getByRole("main")).not.toContainText("Okendo Loyalty Points Awarded");
  // Each entry opens its message: the subject is a link.
  await expect(rows.nth(2).getByRole("link", { name: "Okendo Review Request", exact: true })).toBeVisible();
  await screenshot(page, "activity");

  // Its event and attribute update together, one click away.
  const deliveries = page.getByRole("list", { name: "Deliveries of Okendo Review Request" });
  await expect(deliveries).toBeHidden();
  await rows.nth(2).getByRole("button", { name: "2 deliveries" }).click();
  await expect(deliveries.getByRole("listitem")).toHaveCount(2);
  await expect(deliveries.getByRole("listitem").nth(0)).toContainText("Okendo Review Request");
  await expect(deliveries.getByRole("listitem").nth(1)).toContainText("Attribute update");
  await expect(deliveries).toContainText("1 attempt");
  await screenshot(page, "activity-expanded");

  // Status, from the filter bar: the choice lands in the URL.
  await page.getByRole("button", { name: "Status" }).click();
  await page.getByRole("checkbox", { name: "Unmapped" }).click();
  await expect(page).toHaveURL(/status=unmapped/);
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("Unmapped message");
  await page.keyboard.press("Escape");
  await screenshot(page, "activity-filter-status");

  // Event, from the filter bar (replacing the status filter).
  await page.getByRole("button", { name: "Clear all" }).click();
  await expect(rows).toHaveCount(3);
  await page.getByRole("button", { name: "Event", exact: true }).click();
  await page.getByRole("group", { name: "Event" }).getByText("Submitted Okendo Survey").click();
  await expect(page).toHaveURL(/event=Submitted\+Okendo\+Survey/);
  await expect(rows).toHaveCount(1);
  await page.getByRole("group", { name: "Event" }).getByText("Attribute update").click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("Okendo Review Request");
  await expect(rows.nth(0)).toContainText("With attribute update");
  await page.keyboard.press("Escape");

  // Test events, from the filter bar: shown, and marked as tests.
  await page.getByRole("button", { name: "Clear all" }).click();
  await expect(rows).toHaveCount(3);
  await page.getByRole("button", { name: "Test events" }).click();
  await page.getByRole("group", { name: "Test events" }).getByText("Show test events").click();
  await expect(page).toHaveURL(/tests=shown/);
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText("Okendo Loyalty Points Awarded");
  await expect(rows.nth(0)).toContainText("Test");
  await expect(rows.nth(0)).toContainText("Test user");
  await page.keyboard.press("Escape");
  await screenshot(page, "activity-test-events");

  // Date range (UTC days), from the filter bar and from a link.
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await openPath(page, admin, "/app/activity", `from=${today}&to=${today}`);
  await expect(rows).toHaveCount(3);
  await page.getByRole("button", { name: /^Date/ }).first().click();
  await page.getByLabel("From (UTC)").fill(tomorrow);
  await expect(page).toHaveURL(new RegExp(`from=${tomorrow}`));
  await expect(page.getByText("No deliveries match these filters")).toBeVisible();
  await page.keyboard.press("Escape");
  await screenshot(page, "activity-no-match");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(3);
  await openPath(page, admin, "/app/activity", `to=${yesterday}`);
  await expect(page.getByText("No deliveries match these filters")).toBeVisible();

  // A link with several statuses, as the health banner builds them: the message whose rows match.
  await openPath(page, admin, "/app/activity", "status=delivered,unmapped&event=Okendo+Review+Request");
  await expect(rows).toHaveCount(1);
  await rows.nth(0).getByRole("button", { name: "2 deliveries" }).click();
  await expect(
    page.getByRole("list", { name: "Deliveries of Okendo Review Request" }).getByRole("listitem"),
  ).toHaveCount(2);
});

test("at 375 px the activity list fits the screen: each message's event, customer, status and Retry are visible", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Invalid request" } });
  await post(shop, envelope("Submitted Okendo Survey", { shopifyCustomerId: "7002" }, { survey_name: "NPS" }));
  await rowsIn(db, shop.domain, ["failed"], 1);

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  const row = messageRows(page).first();
  for (const part of [
    row.getByRole("link", { name: "Submitted Okendo Survey" }),
    row.getByText("Customer 7002"),
    row.getByText("Failed", { exact: true }),
    row.getByRole("button", { name: /Retry/ }),
  ]) {
    await expect(part).toBeInViewport();
    const box = (await part.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, "activity-375");
});

test("pages through 50 rows at a time by cursor; a disconnected shop's rows wait for the connection", async ({
  page,
  openAdmin,
  db,
}) => {
  const shop = await createShop(db); // not connected: nothing is sent, everything waits
  const total = 53;
  for (let start = 0; start < total; start += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, total - start) }, (_, offset) =>
        post(
          shop,
          envelope(
            "Okendo Loyalty Points Awarded",
            { shopifyCustomerId: String(9000 + start + offset) },
            { points: 10 },
          ),
        ),
      ),
    );
  }
  const stored = (await rowsIn(db, shop.domain, ["queued"], total)).sort((a, b) => b.id - a.id);
  const ids = stored.map((row) => row.id);
  const customer = (index: number) => `Customer ${stored[index]!.shopifyCustomerId}`;

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  const rows = messageRows(page);
  await expect(rows).toHaveCount(50);
  await expect(rows.nth(0)).toContainText("Waiting for connection");
  await expect(rows.nth(0)).toContainText(customer(0));
  await expect(rows.nth(49)).toContainText(customer(49));
  await expect(page.getByRole("button", { name: "Newer messages" })).toBeDisabled();

  await page.getByRole("link", { name: "Older messages" }).click();
  await expect(page).toHaveURL(new RegExp(`before=${ids[49]}`));
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(2)).toContainText(customer(52));
  await expect(page.getByRole("button", { name: "Older messages" })).toBeDisabled();
  await screenshot(page, "activity-page-2");

  await page.getByRole("link", { name: "Newer messages" }).click();
  await expect(page).toHaveURL(new RegExp(`after=${ids[50]}`));
  await expect(rows).toHaveCount(50);
  await expect(rows.nth(0)).toContainText(customer(0));
});

test("the detail view shows the exact object Braze received, Braze's answer and the message as received, never the API key", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  const apiKey = `valid-${crypto.randomUUID()}`;
  const shop = await createShop(db, { brazeUrl: simulatorUrl, apiKey });
  const sent = envelope(
    "Sent Okendo Referral",
    { email: "sam.lee@example.com", shopifyCustomerId: "7010" },
    { referral_id: "ref_1", channel: "email" },
  );
  await post(shop, sent);
  await rowsIn(db, shop.domain, ["delivered"], 2);
  const bodies: string[] = [];
  page.on("response", async (response) => bodies.push(await response.text().catch(() => "")));

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  await page.getByRole("link", { name: "Sent Okendo Referral", exact: true }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Sent Okendo Referral" })).toBeVisible();
  // In plain words first; the exact JSON below.
  await expect(page.getByText(/^Okendo sent Sent Okendo Referral on .+ UTC, for Customer 7010\.$/)).toBeVisible();
  await expect(page.getByText(/^Braze accepted it on .+ UTC \(1 attempt\)\.$/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Exact data" })).toBeVisible();
  const received = (await trackRequests(simulatorUrl))[0]!.body.events![0];
  const shown = JSON.parse((await page.getByRole("region", { name: "Braze object" }).textContent()) ?? "");
  expect(shown).toEqual(received);
  expect(shown).toMatchObject({ external_id: "7010", name: "Sent Okendo Referral" });
  await expect(page.getByRole("region", { name: "Braze's answer" })).toContainText('"message": "success"');
  expect(JSON.parse((await page.getByRole("region", { name: "Message as received" }).textContent()) ?? "")).toEqual(
    sent,
  );
  await expect(page.getByText("Attempts", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: /Attribute update \(delivery \d+\)/ })).toBeVisible();
  await screenshot(page, "activity-detail");

  expect(bodies.length).toBeGreaterThan(2);
  for (const body of bodies) expect(body).not.toContain(apiKey);
});

test("Retry on an object Braze refused sends that object again, and only it", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  await simulatorControl(simulatorUrl, "fail-next", {
    n: 1,
    status: 201,
    body: { message: "success", errors: [{ type: "'name' is invalid", input_array: "events", index: 0 }] },
  });
  await post(
    shop,
    envelope("Okendo Review Created", { email: "jo@example.com", shopifyCustomerId: "7020" }, { rating: 5 }),
  );
  const [failed] = await rowsIn(db, shop.domain, ["failed"], 1);
  await rowsIn(db, shop.domain, ["delivered"], 1); // the attribute object in the same request was accepted

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  const row = messageRows(page).filter({ hasText: "Okendo Review Created" });
  await expect(row).toHaveCount(1); // the event and its attribute update, one message
  await expect(row).toContainText("With attribute update");
  await expect(row).toContainText("Failed");
  await expect(row).toContainText("Braze refused this object: 'name' is invalid");
  await screenshot(page, "activity-failed");
  await row.getByRole("button", { name: /Retry/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Queued for delivery again" })).toBeVisible();
  await expect(row).toContainText("Delivered", { timeout: 15_000 });

  const after = await db.delivery.findUniqueOrThrow({ where: { id: failed!.id } });
  expect(after).toMatchObject({ status: "delivered", attempts: 2, firstAttemptAt: null });
  const requests = await trackRequests(simulatorUrl);
  expect(requests).toHaveLength(2);
  expect(requests[1]!.body).toEqual({ events: [JSON.parse(failed!.payload)] });
});

test("Retry all failed requeues failed objects and re-identifies unidentified ones, never resending what Braze accepted", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  // Users identified by email; one customer has no email, so cannot be identified yet.
  const shop = await createShop(db, { brazeUrl: simulatorUrl, identifyByCustomerId: false });
  await post(shop, envelope("Okendo Loyalty Points Awarded", { email: "first@example.com" }, { points: 5 }));
  await rowsIn(db, shop.domain, ["delivered"], 2);

  // Two more while Braze is away, then Braze refuses the whole batch they go out in.
  await db.shop.update({ where: { domain: shop.domain }, data: { connectionStatus: "disconnected" } });
  await post(shop, envelope("Okendo Loyalty Points Awarded", { email: "second@example.com" }, { points: 6 }));
  await post(shop, envelope("Okendo Loyalty Points Awarded", { email: "third@example.com" }, { points: 7 }));
  await post(shop, envelope("Okendo Loyalty Points Awarded", { shopifyCustomerId: "7030" }, { points: 8 }));
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Invalid request" } });
  await db.shop.update({ where: { domain: shop.domain }, data: { connectionStatus: "connected" } });
  await rowsIn(db, shop.domain, ["failed"], 5);

  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  // Three messages did not reach Braze: two refused (each an event and its attribute update), one unidentified.
  await expect(messageRows(page).filter({ hasText: "Failed" })).toHaveCount(3);
  await expect(messageRows(page).filter({ hasText: "No email address for this customer" })).toHaveCount(1);
  await expect(messageRows(page).filter({ hasText: "Email s•••@example.com" })).toContainText("Failed");
  await expect(page.getByRole("main")).not.toContainText("second@example.com");
  await screenshot(page, "activity-before-retry-all");

  // Now users are identified by Shopify customer ID: the unidentified message can be identified.
  await db.shop.update({ where: { domain: shop.domain }, data: { identifyByCustomerId: true } });
  // Asked first: cancelling retries nothing.
  await page.getByRole("button", { name: "Retry all failed" }).click();
  const confirm = page.getByRole("dialog", { name: "Retry 5 failed deliveries?" });
  await expect(confirm).toContainText("nothing Braze accepted is sent twice");
  await screenshot(page, "activity-retry-all-confirmation");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  expect(await db.delivery.count({ where: { shop: shop.domain, status: "failed" } })).toBe(5);

  await page.getByRole("button", { name: "Retry all failed" }).click();
  await confirm.getByRole("button", { name: "Retry all" }).click();
  await expect(page.getByRole("status").filter({ hasText: "5 deliveries retried" })).toBeVisible();
  const delivered = await rowsIn(db, shop.domain, ["delivered"], 7);
  expect(await db.delivery.count({ where: { shop: shop.domain, status: "failed" } })).toBe(0);
  expect(await db.delivery.count({ where: { shop: shop.domain, status: "replayed" } })).toBe(1);
  expect(delivered.filter((row) => row.customerKey === "7030")).toHaveLength(1);
  await expect(messageRows(page).filter({ hasText: "Delivered" })).toHaveCount(4, { timeout: 15_000 });
  // The replayed row stays in its message, beside the delivery that replaced it.
  const replayedMessage = messageRows(page).filter({ hasText: "Customer 7030" });
  await replayedMessage.getByRole("button", { name: "2 deliveries" }).click();
  await expect(replayedMessage.getByRole("listitem").filter({ hasText: "Replayed" })).toHaveCount(1);
  await expect(replayedMessage.getByRole("listitem").filter({ hasText: "Delivered" })).toHaveCount(1);
  await screenshot(page, "activity-after-retry-all");

  const requests = await trackRequests(simulatorUrl);
  expect(timesSent(requests, "first@example.com", "Okendo Loyalty Points Awarded")).toBe(1); // accepted once, never again
  expect(timesSent(requests, "second@example.com", "Okendo Loyalty Points Awarded")).toBe(2); // refused, then retried
  expect(timesSent(requests, "third@example.com", "Okendo Loyalty Points Awarded")).toBe(2);
  expect(timesSent(requests, "7030", "Okendo Loyalty Points Awarded")).toBe(1);
  await expect(page.getByRole("button", { name: "Retry all failed" })).toBeDisabled();
});

test("Retry on an unmapped message reads it again with the current mapping", async ({
  page,
  openAdmin,
  db,
  simulatorUrl,
}) => {
  const shop = await createShop(db, { brazeUrl: simulatorUrl });
  // Still not a catalog event today: it stays unmapped, with the reason.
  await post(shop, { topic: "review.delete", resource: { reviewId: "r1" } });
  const [unmapped] = await rowsIn(db, shop.domain, ["unmapped"], 1);
  const admin = await openAdmin(page, shop.domain);
  await admin.open("/app/activity");
  await messageRows(page).filter({ hasText: "Unmapped message" }).getByRole("button", { name: /Retry/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "review.delete is not forwarded" })).toBeVisible();
  expect((await db.delivery.findUniqueOrThrow({ where: { id: unmapped!.id } })).status).toBe("unmapped");

  // A message an earlier mapping could not read (stored then as unmapped), which today's mapping understands.
  const body = envelope(
    "Submitted Okendo Quiz",
    { email: "quiz@example.com", shopifyCustomerId: "7040" },
    { quiz_name: "Skin type" },
  );
  const inbound = await db.inboundMessage.create({
    data: {
      shop: shop.domain,
      source: "okendo",
      dedupeKey: `msg_${crypto.randomUUID()}`,
      payload: JSON.stringify(body),
      status: "unmapped",
      note: "unknown event",
    },
  });
  const stored = await db.delivery.create({
    data: {
      shop: shop.domain,
      inboundId: inbound.id,
      kind: "unmapped",
      identifierType: "none",
      customerKey: "",
      payload: "null",
      status: "unmapped",
      lastError: "unknown event",
    },
  });
  await openPath(page, admin, `/app/activity/${stored.id}`);
  await expect(page.getByRole("heading", { name: "Not sent to Braze" })).toBeVisible();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Replayed as 2 new deliveries" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Submitted Okendo Quiz \(delivery \d+\)/ })).toBeVisible();
  await screenshot(page, "activity-replayed");

  const fresh = await waitFor(async () => {
    const rows = await db.delivery.findMany({ where: { inboundId: inbound.id, status: "delivered" } });
    return rows.length === 2 ? rows : undefined;
  });
  expect(fresh.map((row) => row.kind).sort()).toEqual(["attributes", "event"]);
  expect((await db.delivery.findUniqueOrThrow({ where: { id: stored.id } })).status).toBe("replayed");
  expect((await db.inboundMessage.findUniqueOrThrow({ where: { id: inbound.id } })).status).toBe("mapped");
  expect(timesSent(await trackRequests(simulatorUrl), "7040", "Submitted Okendo Quiz")).toBe(1);
});

test("a shop can neither see nor retry another shop's deliveries", async ({
  page,
  browser,
  openAdmin,
  db,
  appUrl,
  simulatorUrl,
}) => {
  const shopA = await createShop(db, { brazeUrl: simulatorUrl });
  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 400, body: { message: "Invalid request" } });
  await post(shopA, envelope("Okendo Review Request", { email: "private@example.com", shopifyCustomerId: "7050" }));
  const failedA = await rowsIn(db, shopA.domain, ["failed"], 2);
  await post(shopA, { hello: "unmapped" });
  const [unmappedA] = await rowsIn(db, shopA.domain, ["unmapped"], 1);

  const otherPage = await browser.newPage();
  const shopB = await openAdmin(otherPage, `e2e-isolation-b-${Date.now()}.myshopify.com`);
  await shopB.open("/app/activity");
  await expect(otherPage.getByText("Nothing sent to Braze yet")).toBeVisible();
  await expect(otherPage.getByRole("link", { name: "Connect Braze" })).toBeVisible();
  await expect(otherPage.locator("body")).not.toContainText("p•••@example.com");
  await screenshot(otherPage, "activity-empty");

  // A's delivery, asked for with B's session token: not found.
  await openPath(otherPage, shopB, `/app/activity/${failedA[0]!.id}`);
  await expect(otherPage.getByRole("heading", { level: 1, name: "Delivery not found" })).toBeVisible();
  await expect(otherPage.locator("body")).not.toContainText("private@example.com");

  const forge = (form: Record<string, string>, path = "/app/activity?index") =>
    otherPage.request.post(appUrl + path, { headers: { Authorization: `Bearer ${shopB.token}` }, form });
  expect((await forge({ intent: "retry", id: String(failedA[0]!.id) })).status()).toBe(404);
  expect((await forge({ intent: "retry", id: String(unmappedA!.id) })).status()).toBe(404);
  expect((await forge({}, `/app/activity/${failedA[1]!.id}`)).status()).toBe(404);
  expect((await forge({ intent: "retry-all" })).status()).toBe(200);

  const stillA = await db.delivery.findMany({ where: { shop: shopA.domain }, orderBy: { id: "asc" } });
  expect(stillA.map((row) => row.status)).toEqual(["failed", "failed", "unmapped"]);
  expect(await db.delivery.count({ where: { shop: shopB.shop } })).toBe(0);
  expect(await trackRequests(simulatorUrl)).toHaveLength(1);
  await otherPage.close();

  // A, meanwhile, sees its own messages: the refused review request (its event and attribute update) and the unmapped one.
  const admin = await openAdmin(page, shopA.domain);
  await admin.open("/app/activity");
  await expect(messageRows(page)).toHaveCount(2);
});
