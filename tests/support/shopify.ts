// Shopify at the network edge for tests: session tokens, offline sessions, signed webhooks.
import { getHmac, getJwt } from "@shopify/shopify-api/test-helpers";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { createRequire } from "node:module";
import { TEST_API_KEY, TEST_API_SECRET } from "./test-env.ts";

export async function mintSessionToken(shop: string): Promise<string> {
  // getJwt appends ".myshopify.com" itself.
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), TEST_API_KEY, TEST_API_SECRET);
  return token;
}

export function openDatabase(databaseUrl: string): PrismaClient {
  if (databaseUrl.startsWith("postgres")) {
    // Same schema, generated for Postgres by scripts/prisma-generate.mjs.
    const { PrismaClient: PostgresClient } = createRequire(import.meta.url)(
      "../../prisma/generated/postgres/client",
    ) as {
      PrismaClient: new (options: { adapter: PrismaPg }) => PrismaClient;
    };
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 4 }) });
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
}

// What Shopify's token exchange would have stored at install time.
export async function seedOfflineSession(db: PrismaClient, shop: string) {
  const id = `offline_${shop}`;
  const data = { shop, state: "", isOnline: false, scope: "read_customers", accessToken: `shpat_test_${shop}` };
  await db.session.upsert({ where: { id }, create: { id, ...data }, update: data });
}

export function embeddedAppPath(shop: string, token: string, path = "/app"): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  return `${path}?embedded=1&shop=${shop}&host=${host}&id_token=${token}`;
}

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

export function signShopifyWebhook(
  topic: string,
  shop: string,
  payload: unknown,
  options: { eventId?: string; secret?: string } = {},
): SignedWebhook {
  const body = JSON.stringify(payload);
  const eventId = options.eventId ?? crypto.randomUUID();
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": "2025-10",
      "x-shopify-webhook-id": crypto.randomUUID(),
      "x-shopify-event-id": eventId,
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-hmac-sha256": getHmac(body, options.secret ?? TEST_API_SECRET),
    },
  };
}
