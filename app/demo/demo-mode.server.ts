// Demo mode: `npm run demo` plays Shopify admin for one demo shop on this machine. It is on only when all of these
// hold, so a deployed app can never mint its own session tokens, whatever leaks into its environment:
// - the demo command started this process: `node server.mjs --demo` (an argument, which does not leak the way an
//   environment variable can), and not through `npm start`;
// - OKENDO_BRAZE_DEMO_SHOP names the demo shop;
// - the app's URL is a loopback address — and the demo server listens on loopback only (server.mjs).
import { SignJWT } from "jose";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function demoRequested(argv = process.argv, env = process.env): boolean {
  return argv.includes("--demo") && env.npm_lifecycle_event !== "start";
}

export function demoShop(): string | null {
  const shop = process.env.OKENDO_BRAZE_DEMO_SHOP;
  if (!shop || !demoRequested()) return null;
  const appUrl = new URL(process.env.SHOPIFY_APP_URL ?? "https://invalid");
  if (!LOOPBACK_HOSTS.has(appUrl.hostname)) {
    console.error("OKENDO_BRAZE_DEMO_SHOP is ignored: demo mode needs SHOPIFY_APP_URL on localhost.");
    return null;
  }
  return shop;
}

// The session token Shopify admin would hand the embedded page (HS256, signed with the app's secret).
export async function mintDemoSessionToken(shop: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: "demo-session" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(process.env.SHOPIFY_API_KEY ?? "")
    .setSubject("1")
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 12 * 3600)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(process.env.SHOPIFY_API_SECRET ?? ""));
}

export function adminPageUrl(shop: string, token: string, path = "/app"): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  return `${path}?embedded=1&shop=${shop}&host=${host}&id_token=${token}`;
}
