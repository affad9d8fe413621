import { test, expect, simulatorControl, screenshot } from "./fixtures";
import type { Page } from "@playwright/test";

test.use({ adminPath: "/app/settings" });

// The Okendo card has an "API Key" field too.
const braze = (page: Page) => page.getByRole("region", { name: "Braze" });
const uniqueKey = (prefix: string, last4 = "Zq9x") => `${prefix}-${crypto.randomUUID()}-${last4}`;

async function pasteEndpoint(page: Page, url: string) {
  await page.getByLabel("API Endpoint").selectOption({ label: "Other — paste the URL" });
  await page.getByLabel("Endpoint URL").fill(url);
}

async function connect(page: Page, endpoint: string, apiKey: string) {
  await pasteEndpoint(page, endpoint);
  await braze(page).getByLabel("API Key").fill(apiKey);
  await page.getByRole("button", { name: "Save" }).click();
}

test.beforeEach(async ({ simulatorUrl }) => {
  await simulatorControl(simulatorUrl, "reset", {});
});

test("connects with a valid key, shows only the key's last 4 characters, and creates nothing in Braze", async ({
  page,
  openAdmin,
  simulatorUrl,
  db,
}) => {
  const { shop } = await openAdmin(page);
  await screenshot(page, "disconnected");
  const apiKey = uniqueKey("valid");

  await connect(page, simulatorUrl, apiKey);

  await expect(page.getByText("Connected", { exact: true })).toBeVisible();
  await expect(page.getByText("••••••••Zq9x")).toBeVisible();
  await expect(page.getByText(simulatorUrl)).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Connected to Braze" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
  await screenshot(page, "connected");

  const stored = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  expect(stored.connectionStatus).toBe("connected");
  expect(stored.brazeApiKeyEncrypted).toMatch(/^v1\./);
  expect(stored.brazeApiKeyEncrypted).not.toContain(apiKey);

  // The check is one update-only attribute object: no event, no new profile.
  const requests = await simulatorControl(simulatorUrl, "requests");
  expect(requests).toHaveLength(1);
  expect(requests[0].body).toEqual({
    attributes: [{ external_id: "okendo-braze-connection-check", _update_existing_only: true }],
  });
  expect(await simulatorControl(simulatorUrl, "events")).toEqual([]);
});

test("picking an instance from the list uses its REST endpoint", async ({ page, openAdmin }) => {
  await openAdmin(page);
  await page.getByLabel("API Endpoint").selectOption({ label: "US-03 — https://rest.iad-03.braze.com" });
  await braze(page).getByLabel("API Key").fill(uniqueKey("valid"));
  await page.getByRole("button", { name: "Save" }).click();
  // These machines have no route to Braze, so the real endpoint is unreachable: the merchant is told so.
  await expect(page.getByText(/Braze could not be reached/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Save" })).toBeVisible();
});

test("refuses an endpoint that is not a Braze REST endpoint, and stores nothing", async ({
  page,
  openAdmin,
  simulatorUrl,
  db,
}) => {
  const { shop } = await openAdmin(page);
  await connect(page, "https://example.com/users/track", uniqueKey("valid"));

  await expect(
    page.getByText("example.com is not a Braze REST endpoint. Choose your instance from the list."),
  ).toBeVisible();
  await screenshot(page, "invalid-endpoint");
  expect(await simulatorControl(simulatorUrl, "requests")).toEqual([]);
  const stored = await db.shop.findUnique({ where: { domain: shop } });
  expect(stored?.brazeApiKeyEncrypted ?? null).toBeNull();
});

test("a pasted SDK endpoint gets a hint naming the REST endpoint", async ({ page, openAdmin }) => {
  await openAdmin(page);
  await connect(page, "sdk.iad-03.braze.com", uniqueKey("valid"));
  await expect(
    page.getByText(
      "That is a Braze SDK endpoint. Use the REST endpoint for the same instance: https://rest.iad-03.braze.com",
    ),
  ).toBeVisible();
  await screenshot(page, "sdk-endpoint-hint");
});

test("a key Braze rejects (401) is not stored", async ({ page, openAdmin, simulatorUrl, db }) => {
  const { shop } = await openAdmin(page);
  await connect(page, simulatorUrl, uniqueKey("invalid"));

  await expect(page.getByText("Invalid API key, or the key belongs to another Braze instance.")).toBeVisible();
  await screenshot(page, "key-rejected");
  const stored = await db.shop.findUnique({ where: { domain: shop } });
  expect(stored?.connectionStatus).toBe("disconnected");
  expect(stored?.brazeApiKeyEncrypted).toBeNull();
});

test("a key without the users.track permission (403) is not stored", async ({ page, openAdmin, simulatorUrl, db }) => {
  const { shop } = await openAdmin(page);
  await connect(page, simulatorUrl, uniqueKey("nopermission"));

  await expect(page.getByText("This key lacks the users.track permission.")).toBeVisible();
  await screenshot(page, "key-lacks-permission");
  expect((await db.shop.findUnique({ where: { domain: shop } }))?.connectionStatus).toBe("disconnected");
});

test("Braze unreachable or failing gets a retryable message", async ({ page, openAdmin, simulatorUrl }) => {
  await openAdmin(page);
  await connect(page, process.env.E2E_UNREACHABLE_URL!, uniqueKey("valid"));
  await expect(page.getByText(/Braze could not be reached \(network error/)).toBeVisible();
  await screenshot(page, "braze-unreachable");

  await simulatorControl(simulatorUrl, "fail-next", { n: 1, status: 503 });
  await page.getByLabel("Endpoint URL").fill(simulatorUrl);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(
    page.getByText("Braze is having trouble (HTTP 503). Nothing was saved; try again in a minute."),
  ).toBeVisible();
});

test("disconnect removes the stored key", async ({ page, openAdmin, simulatorUrl, db }) => {
  const { shop } = await openAdmin(page);
  await connect(page, simulatorUrl, uniqueKey("valid"));
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();

  // Asked first: cancelling keeps the connection.
  await braze(page).getByRole("button", { name: "Disconnect" }).click();
  const confirm = page.getByRole("dialog", { name: "Disconnect Braze?" });
  await expect(confirm).toContainText("The API key is deleted from this app.");
  await screenshot(page, "disconnect-confirmation");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).connectionStatus).toBe("connected");

  await braze(page).getByRole("button", { name: "Disconnect" }).click();
  await confirm.getByRole("button", { name: "Disconnect" }).click();

  await expect(page.getByRole("button", { name: "Save" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Disconnected from Braze" })).toBeVisible();
  const stored = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  expect(stored).toMatchObject({
    connectionStatus: "disconnected",
    brazeApiKeyEncrypted: null,
    brazeApiKeyLast4: null,
  });
  await screenshot(page, "disconnected-again");
});

test("the identification switch saves at once, confirms it, and persists across reloads", async ({
  page,
  openAdmin,
}) => {
  const admin = await openAdmin(page);
  const toggle = page.getByRole("switch", { name: "Use Shopify Customer ID for Braze user identification" });
  await expect(toggle).toBeChecked();
  // Beside the connection, as on Okendo's screen.
  const cardTop = async (heading: string) =>
    (await page.getByRole("heading", { name: heading, exact: true }).boundingBox())!.y;
  expect(Math.abs((await cardTop("Advanced settings")) - (await cardTop("Integration")))).toBeLessThan(5);

  await toggle.uncheck();
  await expect(page.getByText("Braze external_id is the customer's email address", { exact: false })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Customers identified by email" })).toBeVisible();
  await expect(toggle).toBeEnabled();
  await screenshot(page, "identify-switch-saved");
  await admin.open();
  await expect(page.getByLabel("Use Shopify Customer ID for Braze user identification")).not.toBeChecked();
  await screenshot(page, "identify-by-email");

  await page.getByLabel("Use Shopify Customer ID for Braze user identification").check();
  await expect(
    page.getByRole("status").filter({ hasText: "Customers identified by Shopify Customer ID" }),
  ).toBeVisible();
  await expect(toggle).toBeEnabled();
  await admin.open();
  await expect(page.getByLabel("Use Shopify Customer ID for Braze user identification")).toBeChecked();
});

test("two shops cannot see or change each other's settings", async ({
  page,
  browser,
  openAdmin,
  appUrl,
  simulatorUrl,
  db,
}) => {
  const shopA = await openAdmin(page, `e2e-isolation-a-${Date.now()}.myshopify.com`);
  await connect(page, simulatorUrl, uniqueKey("valid", "AAAA"));
  await expect(page.getByText("••••••••AAAA")).toBeVisible();

  const otherPage = await browser.newPage();
  const shopB = await openAdmin(otherPage, `e2e-isolation-b-${Date.now()}.myshopify.com`);
  await expect(otherPage.getByRole("button", { name: "Save" })).toBeVisible();
  await expect(otherPage.getByText("••••••••AAAA")).toHaveCount(0);
  await expect(otherPage.getByText(simulatorUrl)).toHaveCount(0);

  // Shop B's token, with shop A named in the request: the shop comes only from the verified token.
  const forged = await otherPage.request.post(`${appUrl}/app/settings`, {
    headers: { Authorization: `Bearer ${shopB.token}` },
    form: { intent: "disconnect", shop: shopA.shop },
  });
  expect(forged.status()).toBeLessThan(500);
  const a = await db.shop.findUniqueOrThrow({ where: { domain: shopA.shop } });
  expect(a.connectionStatus).toBe("connected");
  await otherPage.close();
});

test("the API key reaches the browser in no HTML or JSON", async ({ page, openAdmin, simulatorUrl }) => {
  const apiKey = uniqueKey("valid", "S3cr");
  const bodies: string[] = [];
  page.on("response", async (response) => {
    try {
      bodies.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });
  const admin = await openAdmin(page);
  await connect(page, simulatorUrl, apiKey);
  await expect(page.getByText("••••••••S3cr")).toBeVisible();
  await admin.open();
  await expect(page.getByText("••••••••S3cr")).toBeVisible();

  expect(bodies.length).toBeGreaterThan(3);
  for (const body of bodies) expect(body).not.toContain(apiKey);
  expect(await page.content()).not.toContain(apiKey);
});

test("fits a 375 px wide screen", async ({ page, openAdmin, simulatorUrl }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openAdmin(page);
  await screenshot(page, "mobile-disconnected");
  await connect(page, simulatorUrl, uniqueKey("valid"));
  await expect(page.getByRole("button", { name: "Disconnect" })).toBeVisible();
  await screenshot(page, "mobile-connected");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
