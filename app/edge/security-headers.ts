// Headers every answer carries, whatever route produced it. Shopify's document helper adds frame-ancestors only to
// pages opened with ?shop=; a page reached without it (the login page, /app/activity typed into the address bar, /)
// would otherwise be framable by anyone. Unless a route already set a policy, a page may be framed by Shopify admin
// only.
import type { OutgoingHttpHeaders } from "node:http";

const EVERY_ANSWER: OutgoingHttpHeaders = {
  "x-content-type-options": "nosniff",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "strict-origin-when-cross-origin",
};

const FRAMED_BY_SHOPIFY_ONLY = "frame-ancestors https://admin.shopify.com https://*.myshopify.com;";

export function withSecurityHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const merged: OutgoingHttpHeaders = { ...EVERY_ANSWER, ...headers };
  const type = String(merged["content-type"] ?? "");
  if (type.startsWith("text/html") && !merged["content-security-policy"]) {
    merged["content-security-policy"] = FRAMED_BY_SHOPIFY_ONLY;
  }
  return merged;
}
