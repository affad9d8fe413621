// The Okendo card, driven by its labels through the real authenticate.admin, with Okendo's Merchant API replaced
// at the network edge by the simulator (OKENDO_EXTRA_API_URLS, see global-setup.ts).
import AxeBuilder from "@axe-core/playwright";
import type { Page, Response } from "@playwright/test";
import { test, expect, okendoControl, screenshot } from "./fixtures";

// The Okendo card and the Braze connection are on the settings page.
test.use({ adminPath: "/app/settings" });

const TOPICS = [
  "review.create",
  "review.update",
  "loyalty_customer.create",
  "loyalty_customer.update",
  "loyalty_earning_transaction.create",
  "loyalty_redemption_transaction.create",
  "loyalty_adjustment_transaction.create",
];

interface Account {
  userId: string;
  apiKey: string;
}

const okendo = (page: Page) => page.getByRole("region", { name: "Okendo" });

async function connect(page: Page, account: { userId: string; apiKey: string }) {
  await okendo(page).getByLabel("Okendo User ID").fill(account.userId);
  await okendo(page).getByLabel("API Key").fill(account.apiKey);
  await okendo(page).getByRole("button", { name: "Connect" }).click();
}

async function connected(page: Page, account: Account) {
  await connect(page, account);
  await expect(page.getByRole("status").filter({ hasText: "Connected to Okendo" })).toBeVisible({ timeout: 20_000 });
  await expect(okendo(page).getByRole("cell", { name: "Enabled" })).toHaveCount(7);
}

// Every answer the app gives the browser, as text, to check that the API key is never among them.
function recordAppResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (response: Response) => {
    if (!response.url().startsWith(process.env.E2E_APP_URL!)) return;
    const type = response.headers()["content-type"] ?? "";
    if (!/html|json|javascript|text/.test(type)) return;
    bodies.push(`${response.url()}\n`);
    void response.text().then(
      (text) => bodies.push(text),
      () => {},
    );
  });
  return bodies;
}

test("connects with the Okendo User ID and API Key: one subscription per topic at its own URL, the key never shown again", async ({
  page,
  openAdmin,
  db,
}) => {
  const account: Account = await okendoControl("accounts", {});
  const responses = recordAppResponses(page);
  const { shop } = await openAdmin(page);
  await expect(okendo(page).getByText("Not connected")).toBeVisible();
  await screenshot(page, "okendo-disconnected");

  await connected(page, account);
  await expect(okendo(page).getByText(`••••••••${account.apiKey.slice(-4)}`)).toBeVisible();
  await expect(okendo(page).getByText(account.userId)).toBeVisible();
  for (const topic of TOPICS) await expect(okendo(page).getByRole("cell", { name: topic })).toBeVisible();
  await expect(okendo(page).getByRole("cell", { name: "None yet" })).toHaveCount(7);
  await screenshot(page, "okendo-connected");

  const { okendoWebhookId } = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  const subscriptions: { endpointUrl: string; isEnabled: boolean }[] = await okendoControl(
    `accounts/${account.userId}/subscriptions`,
  );
  expect(subscriptions.map((s) => s.endpointUrl).sort()).toEqual(
    TOPICS.map((topic) => `https://okendo-braze.test/webhooks/okendo/${okendoWebhookId}/${topic}`).sort(),
  );
  expect(subscriptions.every((s) => s.isEnabled)).toBe(true);

  const stored = await db.okendoConnection.findUniqueOrThrow({ where: { shop } });
  expect(stored.apiKeyEncrypted).not.toContain(account.apiKey);

  // Reload: the page is rendered from the server again, and Okendo is asked for the state again.
  await page.reload({ waitUntil: "networkidle" });
  await expect(okendo(page).getByRole("cell", { name: "Enabled" })).toHaveCount(7);
  await page.waitForTimeout(200); // let the last response bodies arrive
  expect(responses.length).toBeGreaterThan(3);
  expect(responses.filter((body) => body.includes(account.apiKey))).toEqual([]);
  expect(responses.filter((body) => body.includes("whsec_") && body.includes("okendo-subscription"))).toEqual([]);

  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  // Another shop sees its own, unconnected Okendo card.
  const other = await page.context().newPage();
  await openAdmin(other, `e2e-${crypto.randomUUID().slice(0, 8)}.myshopify.com`);
  await expect(okendo(other).getByText("Not connected")).toBeVisible();
  await expect(okendo(other).getByText(account.userId)).toHaveCount(0);
});

test("wrong credentials, mistyped fields and a plan without webhooks each get their own answer, and nothing is saved", async ({
  page,
  openAdmin,
  db,
}) => {
  const account: Account = await okendoControl("accounts", {});
  const { shop } = await openAdmin(page);

  await connect(page, { userId: account.apiKey, apiKey: account.userId });
  await expect(okendo(page).getByText(/That looks like the API key/)).toBeVisible();
  await expect(okendo(page).getByText(/That looks like the Okendo User ID/)).toBeVisible();

  await connect(page, { userId: account.userId, apiKey: "W".repeat(32) });
  await expect(okendo(page).getByText(/Okendo did not accept this Okendo User ID and API Key/)).toBeVisible();
  await expect(okendo(page).getByText(/Settings › Integrations › Credentials\. Nothing was saved\./)).toBeVisible();
  await screenshot(page, "okendo-wrong-credentials");

  const basic: Account = await okendoControl("accounts", { webhooks: false });
  await connect(page, basic);
  await expect(okendo(page).getByText(/Okendo's webhooks need its Advanced plan or above/)).toBeVisible();
  await expect(okendo(page).getByText(/Shopify Flow.*“Send Okendo event to Braze” action/)).toBeVisible();
  await screenshot(page, "okendo-no-webhooks-plan");

  expect(await db.okendoConnection.count({ where: { shop } })).toBe(0);
  expect(await db.okendoSubscription.count({ where: { shop } })).toBe(0);
  expect(await okendoControl(`accounts/${basic.userId}/subscriptions`)).toEqual([]);
});

test("an allowed Okendo API address where nothing answers is reported as unreachable", async ({ page, openAdmin }) => {
  const account: Account = await okendoControl("accounts", {});
  await openAdmin(page);
  await okendo(page).getByLabel("Okendo API").selectOption(`${process.env.E2E_UNREACHABLE_URL}/enterprise`);
  await connect(page, account);
  await expect(okendo(page).getByText(/Okendo's API could not be reached \(ECONNREFUSED\)/)).toBeVisible();
});

test("Repair re-enables a subscription Okendo disabled", async ({ page, openAdmin }) => {
  const account: Account = await okendoControl("accounts", {});
  const admin = await openAdmin(page);
  await connected(page, account);

  const subscriptions: { webhookSubscriptionId: string; endpointUrl: string }[] = await okendoControl(
    `accounts/${account.userId}/subscriptions`,
  );
  const review = subscriptions.find((s) => s.endpointUrl.endsWith("/review.create"))!;
  await okendoControl(`subscriptions/${review.webhookSubscriptionId}/disable`, {});

  await admin.open();
  await expect(okendo(page).getByText("Needs repair")).toBeVisible();
  await expect(okendo(page).getByRole("cell", { name: "Disabled" })).toHaveCount(1);
  await expect(okendo(page).getByText("Some webhook subscriptions are not working")).toBeVisible();
  await screenshot(page, "okendo-needs-repair");

  await okendo(page).getByRole("button", { name: "Repair" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Repaired: Review created." })).toBeVisible({
    timeout: 20_000,
  });
  await expect(okendo(page).getByRole("cell", { name: "Enabled" })).toHaveCount(7);
  await expect(okendo(page).getByText("Needs repair")).toHaveCount(0);
  const after: { webhookSubscriptionId: string; isEnabled: boolean }[] = await okendoControl(
    `accounts/${account.userId}/subscriptions`,
  );
  expect(after.find((s) => s.webhookSubscriptionId === review.webhookSubscriptionId)?.isEnabled).toBe(true);
});

test("Disconnect deletes the app's subscriptions in Okendo and forgets the credentials", async ({
  page,
  openAdmin,
  db,
}) => {
  const account: Account = await okendoControl("accounts", {});
  const { shop } = await openAdmin(page);
  await connected(page, account);

  await okendo(page).getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Disconnected from Okendo" })).toBeVisible({
    timeout: 20_000,
  });
  await expect(okendo(page).getByLabel("Okendo User ID")).toBeVisible();
  expect(await okendoControl(`accounts/${account.userId}/subscriptions`)).toEqual([]);
  expect(await db.okendoConnection.count({ where: { shop } })).toBe(0);
  expect(await db.okendoSubscription.count({ where: { shop } })).toBe(0);
  // The Braze card is untouched.
  await expect(page.getByRole("region", { name: "Braze" }).getByLabel("API Key")).toBeVisible();
});

test("Disconnect while Okendo is down still disconnects and says what is left in Okendo", async ({
  page,
  openAdmin,
  db,
}) => {
  const account: Account = await okendoControl("accounts", {});
  const { shop } = await openAdmin(page);
  await connected(page, account);

  await okendoControl("fail-next", { n: 2, status: 503, userId: account.userId });
  await okendo(page).getByRole("button", { name: "Disconnect" }).click();
  await expect(okendo(page).getByText("Disconnected, with something left in Okendo")).toBeVisible({ timeout: 20_000 });
  await expect(okendo(page).getByText(/7 of the app's webhook subscriptions could not be removed/)).toBeVisible();
  await screenshot(page, "okendo-disconnected-leftovers");
  expect(await db.okendoConnection.count({ where: { shop } })).toBe(0);
});
