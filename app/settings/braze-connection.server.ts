// A shop's Braze connection: what the settings screen shows and the three things a merchant can do to it.
import prisma from "../db.server";
import { normalizeBrazeEndpoint, parseExtraEndpoints } from "../braze/endpoints";
import { checkBrazeCredentials } from "../braze/credentials-check.server";
import { secretBoxFromEnv } from "./secret-box.server";

// Everything the browser may know about a connection. The API key itself is never part of it.
export interface BrazeConnectionView {
  status: "disconnected" | "connected" | "broken";
  endpoint: string | null;
  apiKeyLast4: string | null;
  connectedAt: string | null;
  connectionError: string | null;
  identifyByCustomerId: boolean;
  // When Braze last accepted an object for this shop (kept across reconnects).
  lastDeliveredAt: string | null;
}

export type ConnectResult =
  | { ok: true }
  | { ok: false; fieldErrors: { endpoint?: string; apiKey?: string } }
  | { ok: false; connectionError: string };

export const allowedExtraEndpoints = () => parseExtraEndpoints(process.env.BRAZE_EXTRA_ENDPOINTS);

// The shop's row, created on its first visit. A shop that uninstalled the app and came back starts afresh: a new
// Okendo URL and signing secret (the old URL stays closed), no secrets carried over from before.
export async function ensureShop(shop: string) {
  const row = await prisma.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
  if (!row.uninstalledAt) return row;
  return prisma.shop.update({
    where: { domain: shop },
    data: {
      uninstalledAt: null,
      installedAt: new Date(),
      okendoWebhookId: crypto.randomUUID(),
      okendoSecretEncrypted: null,
      previousSecretEncrypted: null,
      previousSecretExpiresAt: null,
      okendoProvidedSecretEncrypted: null,
      deliveryPausedUntil: null,
      deliveryPausedReason: null,
    },
  });
}

export async function brazeConnectionView(shop: string): Promise<BrazeConnectionView> {
  const row = await ensureShop(shop);
  return {
    status: row.connectionStatus as BrazeConnectionView["status"],
    endpoint: row.brazeEndpoint,
    apiKeyLast4: row.brazeApiKeyLast4,
    connectedAt: row.connectedAt?.toISOString() ?? null,
    connectionError: row.connectionError,
    identifyByCustomerId: row.identifyByCustomerId,
    lastDeliveredAt: row.lastDeliveredAt?.toISOString() ?? null,
  };
}

export async function connectBraze(shop: string, input: { endpoint: string; apiKey: string }): Promise<ConnectResult> {
  const endpoint = normalizeBrazeEndpoint(input.endpoint, allowedExtraEndpoints());
  const apiKey = input.apiKey.trim();
  const fieldErrors: { endpoint?: string; apiKey?: string } = {};
  if (!endpoint.ok) fieldErrors.endpoint = endpoint.error;
  if (!apiKey) fieldErrors.apiKey = "Enter your Braze REST API key.";
  else if (/\s/.test(apiKey)) fieldErrors.apiKey = "The API key cannot contain spaces.";
  if (!endpoint.ok || fieldErrors.apiKey) return { ok: false, fieldErrors };

  const check = await checkBrazeCredentials(endpoint.url, apiKey);
  if (!check.ok) return { ok: false, connectionError: check.message };

  const connection = {
    brazeEndpoint: endpoint.url,
    brazeApiKeyEncrypted: secretBoxFromEnv().seal(apiKey, shop),
    brazeApiKeyLast4: apiKey.slice(-4),
    connectedAt: new Date(),
    connectionStatus: "connected",
    connectionError: null,
  };
  await prisma.shop.upsert({ where: { domain: shop }, create: { domain: shop, ...connection }, update: connection });
  return { ok: true };
}

// After Braze rejected the key: a new key for the endpoint the shop is connected to. Nothing changes unless Braze
// accepts the new key; the deliveries waiting for it go out then.
export async function reconnectBraze(shop: string, apiKey: string): Promise<ConnectResult> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { brazeEndpoint: true } });
  if (!row?.brazeEndpoint) return { ok: false, connectionError: "Not connected to Braze: connect with an endpoint." };
  return connectBraze(shop, { endpoint: row.brazeEndpoint, apiKey });
}

// As in Okendo, changing the endpoint means disconnecting and connecting again.
export async function disconnectBraze(shop: string) {
  await prisma.shop.updateMany({ where: { domain: shop }, data: withoutCredentials });
}

export const withoutCredentials = {
  brazeEndpoint: null,
  brazeApiKeyEncrypted: null,
  brazeApiKeyLast4: null,
  connectedAt: null,
  connectionStatus: "disconnected",
  connectionError: null,
};

export async function setIdentifyByCustomerId(shop: string, enabled: boolean) {
  await prisma.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, identifyByCustomerId: enabled },
    update: { identifyByCustomerId: enabled },
  });
}
