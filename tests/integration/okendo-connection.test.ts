// The Okendo connection service (app/okendo/connection.server.ts) — Connect, the subscriptions' state, Repair,
// Disconnect, uninstall — against the Okendo simulator, on a real database of the project's dialect (TEST_DIALECT).
// The app's modules read DATABASE_URL when first imported, so they are imported once the database exists.
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startOkendoSimulator, type Account, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { migratedDatabase, type MigratedDatabase } from "../support/okendo-api.ts";
import { TEST_ENCRYPTION_KEY } from "../support/test-env.ts";
import { testDialect } from "../support/app-server.ts";
import { createSecretBox } from "../../app/settings/secret-box.server.ts";

type Service = typeof import("../../app/okendo/connection.server.ts");

const TOPICS = [
  "review.create",
  "review.update",
  "loyalty_customer.create",
  "loyalty_customer.update",
  "loyalty_earning_transaction.create",
  "loyalty_redemption_transaction.create",
  "loyalty_adjustment_transaction.create",
];

const dialect = testDialect();
let sim: OkendoSimulator;
let database: MigratedDatabase;
let service: Service;
let receiver: Server;
let appUrl: string;
let received: { path: string; headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  sim = await startOkendoSimulator({ retryDelaysMs: [20] });
  database = await migratedDatabase();
  expect(database.url.startsWith(testDialect() === "postgres" ? "postgres" : "file:")).toBe(true);
  // Stands in for the app's public URL: Okendo's deliveries to the topic URLs land here.
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    SHOPIFY_APP_URL: appUrl,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    OKENDO_EXTRA_API_URLS: sim.url,
  });
  service = await import("../../app/okendo/connection.server.ts");
}, 60_000);

afterEach(() => {
  received = [];
});

afterAll(async () => {
  const { prisma } = await import("../../app/db.server.ts");
  await prisma.$disconnect();
  await sim.close();
  await database.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const db = () => database.db;
// The secrets Okendo issued for a shop's subscriptions, as stored (sealed like every secret at rest, under whatever
// ENCRYPTION_KEY the test has set).
async function subscriptionSecrets(shop: string, topic?: string): Promise<string[]> {
  const box = createSecretBox(process.env.ENCRYPTION_KEY!);
  const rows = await db().okendoSubscription.findMany({ where: { shop, ...(topic ? { topic } : {}) } });
  return rows.map((row) => box.open(row.secretEncrypted, `${shop}:okendo-subscription-secret`));
}
const newShop = () => `okendo-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;

async function connected(options: Parameters<OkendoSimulator["addAccount"]>[0] = {}) {
  const account = sim.addAccount(options);
  const shop = newShop();
  const result = await service.connectOkendo(shop, account);
  expect(result).toEqual({ ok: true });
  return { shop, account };
}

async function nothingStored(shop: string, account: Account) {
  expect(await db().okendoConnection.count({ where: { shop } })).toBe(0);
  expect(await db().okendoSubscription.count({ where: { shop } })).toBe(0);
  expect(sim.subscriptions(account.userId)).toEqual([]);
}

describe(`Okendo connection on ${dialect}`, () => {
  it("connects: one subscription per topic at its own URL, secrets and key sealed, Okendo's signatures verify", async () => {
    const { shop, account } = await connected();
    const { okendoWebhookId } = await db().shop.findUniqueOrThrow({ where: { domain: shop } });

    const inOkendo = sim.subscriptions(account.userId);
    expect(inOkendo.map((s) => s.endpointUrl).sort()).toEqual(
      TOPICS.map((t) => `${appUrl}/webhooks/okendo/${okendoWebhookId}/${t}`).sort(),
    );
    for (const s of inOkendo) {
      const topic = s.endpointUrl.split("/").at(-1)!;
      const [resourceType, verb] = topic.split(".");
      expect(s).toMatchObject({
        isEnabled: true,
        version: "2025-02-01",
        subscriptions: [{ resourceType, topic: verb }],
      });
    }
    // Checked first, then listed, then created.
    expect(sim.requests.filter((r) => r.user === account.userId).map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /reviews",
      "GET /webhook_subscriptions",
      ...TOPICS.map(() => "POST /webhook_subscriptions"),
    ]);

    const connection = await db().okendoConnection.findUniqueOrThrow({ where: { shop } });
    expect(connection).toMatchObject({
      userId: account.userId,
      apiKeyLast4: account.apiKey.slice(-4),
      apiBase: sim.url,
    });
    expect(connection.apiKeyEncrypted).toMatch(/^v1\./);
    expect(JSON.stringify(connection)).not.toContain(account.apiKey);
    const box = createSecretBox(TEST_ENCRYPTION_KEY);
    expect(box.open(connection.apiKeyEncrypted, `${shop}:okendo-api-key`)).toBe(account.apiKey);

    const rows = await db().okendoSubscription.findMany({ where: { shop } });
    expect(rows.map((r) => r.topic).sort()).toEqual([...TOPICS].sort());
    for (const row of rows) expect(row.secretEncrypted).toMatch(/^v1\./);

    // The stored secret is the one Okendo signs review.create deliveries with, and it is that topic's only.
    const review = sim.addReview(account.userId);
    await sim.settled();
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe(`/webhooks/okendo/${okendoWebhookId}/review.create`);
    const headers = {
      "webhook-id": received[0]!.headers["svix-id"]!,
      "webhook-timestamp": received[0]!.headers["svix-timestamp"]!,
      "webhook-signature": received[0]!.headers["svix-signature"]!,
    };
    const [secret] = await subscriptionSecrets(shop, "review.create");
    expect(new Webhook(secret!).verify(received[0]!.body, headers)).toEqual({ sequenceNumber: 1, resource: review });
    const others = await subscriptionSecrets(shop, "review.update");
    expect(() => new Webhook(others[0]!).verify(received[0]!.body, headers)).toThrow();
    expect(await subscriptionSecrets(shop)).toHaveLength(7);
    expect(await subscriptionSecrets(shop, "review.delete")).toEqual([]);
    expect(await subscriptionSecrets(newShop())).toEqual([]);

    const view = await service.okendoApiConnectionView(shop);
    expect(view).toMatchObject({ connected: true, userId: account.userId, apiKeyLast4: account.apiKey.slice(-4) });
    expect(view.subscriptions.map((s) => [s.topic, s.state])).toEqual(TOPICS.map((t) => [t, "enabled"]));
    expect(view.needsRepair).toBe(false);
    expect(JSON.stringify(view)).not.toContain(account.apiKey);
    expect(JSON.stringify(view)).not.toContain("whsec_");

    expect(await service.connectOkendo(shop, account)).toEqual({
      ok: false,
      error: "Okendo is already connected. Disconnect first to use other credentials.",
    });
  });

  it("refuses bad input before asking Okendo, with a message per field", async () => {
    const account = sim.addAccount();
    const shop = newShop();
    const cases: [Record<string, string>, Record<string, RegExp>][] = [
      [
        { userId: "", apiKey: "" },
        { userId: /Enter your Okendo User ID/, apiKey: /Enter your Okendo API key/ },
      ],
      [{ userId: "shop-123", apiKey: account.apiKey }, { userId: /is a UUID like/ }],
      [
        { userId: account.apiKey, apiKey: account.userId },
        { userId: /looks like the API key/, apiKey: /looks like the Okendo User ID/ },
      ],
      [{ userId: account.userId, apiKey: account.apiKey.slice(1) }, { apiKey: /32 characters; this one has 31/ }],
      [
        { userId: account.userId, apiKey: `${account.apiKey.slice(0, 16)} ${account.apiKey.slice(17)}` },
        { apiKey: /spaces/ },
      ],
      [
        { userId: account.userId, apiKey: account.apiKey, apiBase: "https://evil.example/enterprise" },
        { apiBase: /listed/ },
      ],
    ];
    for (const [input, expected] of cases) {
      const result = await service.connectOkendo(shop, input as { userId: string; apiKey: string });
      expect(result.ok).toBe(false);
      const fieldErrors = (result as { fieldErrors: Record<string, string> }).fieldErrors;
      expect(Object.keys(fieldErrors).sort()).toEqual(Object.keys(expected).sort());
      for (const [field, pattern] of Object.entries(expected)) expect(fieldErrors[field]).toMatch(pattern);
    }
    expect(sim.requests.filter((r) => r.user === account.userId)).toEqual([]);
    // Surrounding spaces and an upper-case User ID are what copying from a page gives; they are fine.
    const result = await service.connectOkendo(shop, {
      userId: ` ${account.userId.toUpperCase()} `,
      apiKey: ` ${account.apiKey}\n`,
    });
    expect(result).toEqual({ ok: true });
  });

  it("says why when the credentials are wrong or the plan has no webhooks, and saves nothing", async () => {
    const account = sim.addAccount();
    const shop = newShop();
    const wrong = await service.connectOkendo(shop, { userId: account.userId, apiKey: "Z".repeat(32) });
    expect(wrong).toEqual({
      ok: false,
      error: expect.stringMatching(/did not accept this Okendo User ID and API Key.*Nothing was saved\.$/),
    });
    await nothingStored(shop, account);

    const basic = sim.addAccount({ webhooks: false });
    const noPlan = await service.connectOkendo(shop, basic);
    expect(noPlan).toEqual({
      ok: false,
      error: expect.stringMatching(
        /Advanced plan or above.*Shopify Flow.*Send Okendo event to Braze.*Nothing was saved\.$/,
      ),
    });
    await nothingStored(shop, basic);
  });

  it("removes what it created when a later subscription fails, or when Okendo's answer holds no secret", async () => {
    const account = sim.addAccount();
    const shop = newShop();
    sim.failNext(1, { status: 500 }, { userId: account.userId, method: "POST", skip: 3 });
    const failed = await service.connectOkendo(shop, account);
    expect(failed).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^Could not set up the “Loyalty member changed” subscription in Okendo: .*HTTP 500.*Nothing was saved\.$/,
      ),
    });
    await nothingStored(shop, account);

    sim.configure({ secretField: null });
    try {
      const noSecret = await service.connectOkendo(shop, account);
      expect(noSecret).toEqual({
        ok: false,
        error: expect.stringMatching(/no webhook secret \(whsec_…\).*Nothing was saved\.$/),
      });
      await nothingStored(shop, account);
    } finally {
      sim.configure({ secretField: "webhookSecret" });
    }
  });

  it("shows what Okendo disabled or lost, and Repair re-enables and re-creates it", async () => {
    const { shop, account } = await connected();
    const inOkendo = () => sim.subscriptions(account.userId);
    const idOf = (topic: string) => inOkendo().find((s) => s.endpointUrl.endsWith(`/${topic}`))!.webhookSubscriptionId;

    sim.disableSubscription(idOf("review.create"));
    await fetch(`${sim.url}/webhook_subscriptions/${idOf("loyalty_customer.update")}`, {
      method: "DELETE",
      headers: { authorization: `Basic ${Buffer.from(`${account.userId}:${account.apiKey}`).toString("base64")}` },
    });
    const broken = await service.okendoApiConnectionView(shop);
    expect(broken.subscriptions.filter((s) => s.state !== "enabled").map((s) => [s.topic, s.state])).toEqual([
      ["review.create", "disabled"],
      ["loyalty_customer.update", "missing"],
    ]);
    expect(broken.needsRepair).toBe(true);

    const repaired = await service.repairOkendo(shop);
    expect(repaired).toEqual({ ok: true, message: "Repaired: Review created, Loyalty member changed." });
    expect(inOkendo()).toHaveLength(7);
    expect(inOkendo().every((s) => s.isEnabled)).toBe(true);
    expect((await service.okendoApiConnectionView(shop)).needsRepair).toBe(false);
    expect(await service.repairOkendo(shop)).toEqual({
      ok: true,
      message: "Every subscription was already working.",
    });

    // The re-created subscription's new secret is the one stored.
    sim.deliver(account.userId, "loyalty_customer.update", { customerId: "7001", email: "a@example.com" });
    await sim.settled();
    const [secret] = await subscriptionSecrets(shop, "loyalty_customer.update");
    const h = received[0]!.headers;
    expect(() =>
      new Webhook(secret!).verify(received[0]!.body, {
        "webhook-id": h["svix-id"]!,
        "webhook-timestamp": h["svix-timestamp"]!,
        "webhook-signature": h["svix-signature"]!,
      }),
    ).not.toThrow();
  });

  it("repairs by replacing a subscription when Okendo has no update for it", async () => {
    const { shop, account } = await connected();
    sim.configure({ unsupported: ["PUT", "PATCH"] });
    try {
      const before = sim.subscriptions(account.userId).find((s) => s.endpointUrl.endsWith("/review.update"))!;
      const oldSecret = (await subscriptionSecrets(shop, "review.update"))[0];
      sim.disableSubscription(before.webhookSubscriptionId);
      expect(await service.repairOkendo(shop)).toEqual({ ok: true, message: "Repaired: Review updated." });
      const after = sim.subscriptions(account.userId).find((s) => s.endpointUrl.endsWith("/review.update"))!;
      expect(after.webhookSubscriptionId).not.toBe(before.webhookSubscriptionId);
      expect(after.isEnabled).toBe(true);
      expect(sim.subscriptions(account.userId)).toHaveLength(7);
      expect((await subscriptionSecrets(shop, "review.update"))[0]).not.toBe(oldSecret);
    } finally {
      sim.configure({ unsupported: [] });
    }
  });

  it("shows the last record when Okendo cannot be asked, and says so", async () => {
    const { shop, account } = await connected();
    sim.failNext(1, { status: 503 }, { userId: account.userId });
    const view = await service.okendoApiConnectionView(shop);
    expect(view.subscriptions.every((s) => s.state === "unknown")).toBe(true);
    expect(view.stateProblem).toMatch(/app's last record.*HTTP 503/);
    expect((await db().okendoConnection.findUniqueOrThrow({ where: { shop } })).lastError).toMatch(/HTTP 503/);
    await service.okendoApiConnectionView(shop);
    expect((await db().okendoConnection.findUniqueOrThrow({ where: { shop } })).lastError).toBeNull();
  });

  it("disconnects: deletes the app's subscriptions in Okendo and forgets the key and secrets", async () => {
    const { shop, account } = await connected();
    // A subscription the merchant made by hand to the shop's bare URL is not the app's to delete.
    const { okendoWebhookId } = await db().shop.findUniqueOrThrow({ where: { domain: shop } });
    const manual = await fetch(`${sim.url}/webhook_subscriptions`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${account.userId}:${account.apiKey}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        endpointUrl: `${appUrl}/webhooks/okendo/${okendoWebhookId}`,
        isEnabled: true,
        subscriptions: [{ resourceType: "review", topic: "create" }],
        version: "2025-02-01",
      }),
    });
    expect(manual.status).toBe(200);

    expect(await service.disconnectOkendo(shop)).toEqual({ ok: true });
    expect(sim.subscriptions(account.userId).map((s) => s.endpointUrl)).toEqual([
      `${appUrl}/webhooks/okendo/${okendoWebhookId}`,
    ]);
    expect(await db().okendoConnection.count({ where: { shop } })).toBe(0);
    expect(await subscriptionSecrets(shop)).toEqual([]);
    expect((await service.okendoApiConnectionView(shop)).connected).toBe(false);
    expect(await service.disconnectOkendo(shop)).toEqual({ ok: true }); // again: nothing to do
  });

  it("disconnects even when Okendo cannot be reached, and says what is left there", async () => {
    const { shop, account } = await connected();
    // Okendo answers the list and the first delete with 503; the app does not try the other six.
    sim.failNext(2, { status: 503 }, { userId: account.userId });
    const result = await service.disconnectOkendo(shop);
    expect(result).toEqual({
      ok: true,
      message: expect.stringMatching(
        /^Disconnected from Okendo\. 7 of the app's webhook subscriptions could not be removed from Okendo — .*HTTP 503.*review\.create \([0-9a-f-]{36}\).*DELETE .*\/webhook_subscriptions\/<id>/,
      ),
    });
    expect(await db().okendoConnection.count({ where: { shop } })).toBe(0);
    expect(await db().okendoSubscription.count({ where: { shop } })).toBe(0);
    expect(sim.subscriptions(account.userId)).toHaveLength(7);

    // Connecting again cleans up the subscriptions it lost track of: seven, not fourteen.
    expect(await service.connectOkendo(shop, account)).toEqual({ ok: true });
    expect(sim.subscriptions(account.userId)).toHaveLength(7);
  });

  it("on uninstall forgets at once, then removes the subscriptions in Okendo in the background", async () => {
    const { shop, account } = await connected();
    const { remoteCleanup } = await service.okendoAppUninstalled(shop);
    expect(await db().okendoConnection.count({ where: { shop } })).toBe(0);
    expect(await subscriptionSecrets(shop)).toEqual([]);
    expect(await remoteCleanup).toEqual({ left: [], reason: null, message: null });
    expect(sim.subscriptions(account.userId)).toEqual([]);
    const again = await service.okendoAppUninstalled(shop);
    expect(await again.remoteCleanup).toEqual({ left: [], reason: null, message: null });
  });

  it("npm run rotate-keys re-seals the Okendo API key and every subscription secret under the new key", async () => {
    const { shop, account } = await connected();
    const newKey = Buffer.alloc(32, 9).toString("base64");
    const before = await subscriptionSecrets(shop);
    const { rotateEncryptionKeys } = await import("../../app/settings/key-rotation.server.ts");
    const report = await rotateEncryptionKeys(createSecretBox(`${newKey},${TEST_ENCRYPTION_KEY}`));
    expect(report.unreadable).toEqual([]);
    expect(report.resealed).toBeGreaterThanOrEqual(8); // this shop's API key and 7 secrets, and earlier tests' shops
    process.env.ENCRYPTION_KEY = newKey; // the old key dropped
    try {
      expect(await subscriptionSecrets(shop)).toEqual(before);
      const view = await service.okendoApiConnectionView(shop);
      expect(view.stateProblem).toBeNull(); // the API key opened: Okendo was asked
      expect(view.subscriptions.every((s) => s.state === "enabled")).toBe(true);
      expect(sim.requests.at(-1)).toMatchObject({ user: account.userId, status: 200 });
    } finally {
      process.env.ENCRYPTION_KEY = TEST_ENCRYPTION_KEY;
    }
  });

  it("binds each sealed value to its shop: a secret copied into another shop's row does not open", async () => {
    const { shop } = await connected();
    const other = newShop();
    await db().shop.create({ data: { domain: other } });
    const row = await db().okendoSubscription.findFirstOrThrow({ where: { shop } });
    await db().okendoSubscription.create({ data: { ...row, shop: other } });
    await expect(subscriptionSecrets(other)).rejects.toThrow(/belongs to a different shop/);
  });
});
