// Okendo at the network edge for tests: shops wired to an ingress URL and signing secret, and signed deliveries.
import type { PrismaClient } from "@prisma/client";
import { Webhook } from "standardwebhooks";
import { createSecretBox } from "../../app/settings/secret-box.server.ts";
import { TEST_ENCRYPTION_KEY } from "./test-env.ts";
import { embeddedAppPath, mintSessionToken, seedOfflineSession } from "./shopify.ts";

export const TEST_OKENDO_SECRET = "whsec_dGVzdC1va2VuZG8tc2lnbmluZy1zZWNyZXQ=";
const box = createSecretBox(TEST_ENCRYPTION_KEY);
// Must match the context app/okendo/signing-secrets.server.ts seals with.
const sealSigningSecret = (shop: string, secret: string) => box.seal(secret, `${shop}:okendo-signing-secret`);

export interface TestShop {
  domain: string;
  webhookPath: string;
  secret: string;
}

export async function createShop(
  db: PrismaClient,
  options: { brazeUrl?: string; apiKey?: string; identifyByCustomerId?: boolean; domain?: string } = {},
): Promise<TestShop> {
  const domain = options.domain ?? `shop-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  const apiKey = options.apiKey ?? `valid-${crypto.randomUUID()}`;
  await seedOfflineSession(db, domain);
  const shop = await db.shop.create({
    data: {
      domain,
      identifyByCustomerId: options.identifyByCustomerId ?? true,
      okendoSecretEncrypted: sealSigningSecret(domain, TEST_OKENDO_SECRET),
      ...(options.brazeUrl
        ? {
            brazeEndpoint: options.brazeUrl,
            brazeApiKeyEncrypted: box.seal(apiKey, domain),
            brazeApiKeyLast4: apiKey.slice(-4),
            connectedAt: new Date(),
            connectionStatus: "connected",
          }
        : {}),
    },
  });
  return { domain, webhookPath: `/webhooks/okendo/${shop.okendoWebhookId}`, secret: TEST_OKENDO_SECRET };
}

export function signOkendo(
  body: unknown,
  options: { secret?: string; id?: string; timestamp?: Date; headerStyle?: "svix" | "webhook" } = {},
): { headers: Record<string, string>; body: string; id: string } {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(options.secret ?? TEST_OKENDO_SECRET).sign(id, timestamp, raw);
  const prefix = options.headerStyle ?? "svix";
  return {
    id,
    body: raw,
    headers: {
      "content-type": "application/json",
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(Math.floor(timestamp.getTime() / 1000)),
      [`${prefix}-signature`]: signature,
    },
  };
}

export async function postOkendo(
  appUrl: string,
  shop: TestShop,
  body: unknown,
  options: Parameters<typeof signOkendo>[1] = {},
) {
  const signed = signOkendo(body, options);
  const response = await fetch(appUrl + shop.webhookPath, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  return { response, id: signed.id, json: await response.json().catch(() => null) };
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };

/** The Okendo card's Connect, as the browser submits it (the settings action, through the real authenticate.admin). */
export async function connectOkendoThroughSettings(
  appUrl: string,
  shop: string,
  account: { userId: string; apiKey: string },
): Promise<void> {
  const token = await mintSessionToken(shop);
  const response = await fetch(`${appUrl}/app/settings`, {
    method: "POST",
    headers: { ...BROWSER, authorization: `Bearer ${token}` },
    body: new URLSearchParams({ intent: "okendo-connect", userId: account.userId, apiKey: account.apiKey }),
  });
  // 422 is the action's answer to anything that went wrong (its message is in the body).
  if (response.status !== 200) throw new Error(`Connect answered ${response.status}: ${await response.text()}`);
}

/** An admin page's HTML as Shopify admin would load it, with its text as a reader sees it (tags and entities gone). */
export async function adminPageText(appUrl: string, shop: string, path: string): Promise<string> {
  const token = await mintSessionToken(shop);
  const response = await fetch(appUrl + embeddedAppPath(shop, token, path), { headers: BROWSER });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return (await response.text())
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
