// After app/uninstalled: the shop's Okendo and Flow ingress answer 410 and store nothing, what was not sent yet is
// cancelled (and shown as such), and a reinstall starts afresh with a new Okendo URL and signing secret.
import { afterAll, beforeAll, expect, it } from "vitest";
import { envelope, startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, postOkendo, TEST_OKENDO_SECRET, type TestShop } from "../support/okendo.ts";
import { runFlowAction } from "../support/flow.ts";
import { embeddedAppPath, mintSessionToken, seedOfflineSession, signShopifyWebhook } from "../support/shopify.ts";

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p?.stop());

async function uninstall(shop: TestShop) {
  const webhook = signShopifyWebhook("app/uninstalled", shop.domain, { domain: shop.domain });
  const response = await fetch(p.app.url + "/webhooks/app/uninstalled", {
    method: "POST",
    headers: webhook.headers,
    body: webhook.body,
  });
  expect(response.status).toBe(200);
}

const storedFor = async (shop: string) => ({
  inbound: await p.db.inboundMessage.count({ where: { shop } }),
  deliveries: await p.db.delivery.count({ where: { shop } }),
});

it("closes the shop's Flow action (410) and stores nothing from it", async () => {
  const shop = await createShop(p.db, { brazeUrl: p.braze.url });
  await uninstall(shop);
  const before = await storedFor(shop.domain);
  const response = await runFlowAction(p.app.url, shop.domain, {
    email: "late@example.com",
    event: "Okendo Review Created",
  });
  expect(response.status).toBe(410);
  expect(await response.json()).toEqual({ error: expect.stringContaining("uninstalled the app") });
  expect(await storedFor(shop.domain)).toEqual(before);
});

it("starts a reinstalled shop afresh: a new Okendo URL and secret, the old URL closed", async () => {
  const shop = await createShop(p.db); // not connected: its message waits
  await postOkendo(p.app.url, shop, envelope("Submitted Okendo Survey", { email: "before@example.com" }));
  await uninstall(shop);
  expect(await p.db.delivery.count({ where: { shop: shop.domain, status: "cancelled" } })).toBeGreaterThan(0);

  // Shopify's token exchange stores a new offline session on reinstall; the merchant opens the app's Settings,
  // where the Okendo card shows the URL and a newly made secret.
  await seedOfflineSession(p.db, shop.domain);
  const token = await mintSessionToken(shop.domain);
  const page = await fetch(p.app.url + embeddedAppPath(shop.domain, token, "/app/settings"), {
    headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" },
  });
  expect(page.status).toBe(200);

  const row = await p.db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
  expect(row.uninstalledAt).toBeNull();
  const newPath = `/webhooks/okendo/${row.okendoWebhookId}`;
  expect(newPath).not.toBe(shop.webhookPath);
  expect(row.okendoSecretEncrypted).not.toBeNull();

  const old = await postOkendo(p.app.url, shop, envelope("Submitted Okendo Survey", { email: "old@example.com" }));
  expect(old.response.status).toBe(404);
  // The old secret no longer signs anything for this shop, at the new URL either.
  const oldSecretNewUrl = await postOkendo(
    p.app.url,
    { ...shop, webhookPath: newPath },
    envelope("Submitted Okendo Survey", { email: "x@example.com" }),
    { secret: TEST_OKENDO_SECRET },
  );
  expect(oldSecretNewUrl.response.status).toBe(401);
});
