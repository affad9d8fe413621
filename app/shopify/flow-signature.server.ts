// Shopify Flow signs an action's request like a webhook: base64 HMAC-SHA256 of the raw body with the app's API
// secret in X-Shopify-Hmac-Sha256. authenticate.flow (shopify-app-remix 6.0.1) answers 400 for every request it
// refuses, a bad signature included; Shopify asks apps to refuse unsigned requests with 401, so the Flow route checks
// the signature itself first.
import { createHmac, timingSafeEqual } from "node:crypto";

export function isSignedByShopify(rawBody: string, hmacHeader: string | null, apiSecret: string): boolean {
  if (!hmacHeader || rawBody.length === 0) return false;
  const expected = createHmac("sha256", apiSecret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
