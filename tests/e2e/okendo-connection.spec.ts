import { Webhook } from "standardwebhooks";
import { test, expect, screenshot } from "./fixtures";

// The Okendo card and the Braze connection are on the settings page.
test.use({ adminPath: "/app/settings" });

const envelope = {
  event: "Submitted Okendo Survey",
  occurredAt: "2026-11-26T10:00:00Z",
  customer: { email: "sam@example.com" },
  properties: { survey_name: "Post-purchase", nps: 9 },
};

async function postSigned(url: string, secret: string) {
  const body = JSON.stringify(envelope);
  const id = `msg_${crypto.randomUUID()}`;
  const now = new Date();
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, now, body),
    },
    body,
  });
}

test("set up by hand: shows the shop's Okendo URL and signing secret, which sign accepted events; rotating keeps the old one for a grace period", async ({
  page,
  openAdmin,
}) => {
  await openAdmin(page);
  await page.getByRole("button", { name: "Set up by hand" }).click();
  const url = await page.getByLabel("Webhook URL").inputValue();
  const secret = await page.getByLabel("Signing secret").inputValue();
  expect(url).toMatch(/\/webhooks\/okendo\/[0-9a-f-]{36}$/);
  expect(secret).toMatch(/^whsec_/);
  await screenshot(page, "okendo-connection");

  // The URL is shown with the public app URL; the test server listens locally.
  const localUrl = new URL(new URL(url).pathname, process.env.E2E_APP_URL).toString();
  expect((await postSigned(localUrl, secret)).status).toBe(200);
  expect((await postSigned(localUrl, "whsec_" + Buffer.from("not-the-secret").toString("base64"))).status).toBe(401);

  // Asked first: cancelling changes nothing.
  await page.getByRole("button", { name: "Rotate signing secret" }).click();
  const confirm = page.getByRole("dialog", { name: "Rotate the signing secret?" });
  await expect(confirm).toContainText("The current one keeps working for a grace period");
  await screenshot(page, "rotate-confirmation");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByLabel("Signing secret")).toHaveValue(secret);

  await page.getByRole("button", { name: "Rotate signing secret" }).click();
  await confirm.getByRole("button", { name: "Rotate signing secret" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "New signing secret created" })).toBeVisible();
  await expect(page.getByLabel("Signing secret")).not.toHaveValue(secret);
  await expect(page.getByText(/The previous secret is still accepted until/)).toBeVisible();
  const rotated = await page.getByLabel("Signing secret").inputValue();
  expect((await postSigned(localUrl, rotated)).status).toBe(200);
  expect((await postSigned(localUrl, secret)).status).toBe(200);
});

test("set up by hand: accepts Okendo's own webhook secret once the merchant pastes it, and refuses anything that is not one", async ({
  page,
  openAdmin,
}) => {
  await openAdmin(page);
  await page.getByRole("button", { name: "Set up by hand" }).click();
  const localUrl = new URL(
    new URL(await page.getByLabel("Webhook URL").inputValue()).pathname,
    process.env.E2E_APP_URL,
  ).toString();
  const okendoSecret = "whsec_" + Buffer.from(crypto.randomUUID()).toString("base64");
  expect((await postSigned(localUrl, okendoSecret)).status).toBe(401);

  await page.getByLabel("Okendo's webhook secret").fill("not a secret");
  await page.getByRole("button", { name: "Add Okendo secret" }).click();
  await expect(page.getByText(/Okendo's webhook secret starts with whsec_|That is not a webhook secret/)).toBeVisible();

  await page.getByLabel("Okendo's webhook secret").fill(okendoSecret);
  await page.getByRole("button", { name: "Add Okendo secret" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Okendo's secret saved" })).toBeVisible();
  expect((await postSigned(localUrl, okendoSecret)).status).toBe(200);
});
