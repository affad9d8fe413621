// Where the app may send a merchant's Okendo credentials: Okendo's Merchant API and nothing else.
//
// Like the Braze endpoints (app/braze/endpoints.ts) the hosts are an allowlist: the base URL is fixed, and
// OKENDO_EXTRA_API_URLS (comma-separated base URLs) adds stand-ins for local development, demos and tests only.
// Every request, including a `nextUrl` Okendo hands back, is checked against the base the shop connected through.

/** docs.okendo.io/merchant-rest-api: "https://api.okendo.io/enterprise", HTTPS only. */
export const OKENDO_API_BASE = "https://api.okendo.io/enterprise";

const MAX_NEXT_URL_LENGTH = 4096;

type ApiEnv = Readonly<Record<string, string | undefined>>;

/**
 * Parses OKENDO_EXTRA_API_URLS into base URLs without a trailing slash. A malformed entry throws: silently dropping
 * it would only surface later as a puzzling refusal.
 */
export function parseExtraApiUrls(value: string | undefined): string[] {
  if (!value) return [];
  const bases: string[] = [];
  for (const entry of value.split(",")) {
    const raw = entry.trim();
    if (raw === "") continue;
    const url = URL.parse(raw);
    if (!url || !["http:", "https:"].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
      throw new Error(`OKENDO_EXTRA_API_URLS: "${raw}" is not a base URL like http://127.0.0.1:4020/enterprise`);
    }
    const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    if (!bases.includes(base)) bases.push(base);
  }
  return bases;
}

export function allowedApiBases(env: ApiEnv = process.env): string[] {
  return [OKENDO_API_BASE, ...parseExtraApiUrls(env.OKENDO_EXTRA_API_URLS).filter((b) => b !== OKENDO_API_BASE)];
}

/** The base a new connection uses: the first stand-in when development or tests list one, else Okendo's. */
export function defaultApiBase(env: ApiEnv = process.env): string {
  return parseExtraApiUrls(env.OKENDO_EXTRA_API_URLS)[0] ?? OKENDO_API_BASE;
}

export function isAllowedApiBase(base: string, env: ApiEnv = process.env): boolean {
  return allowedApiBases(env).includes(base);
}

/**
 * The URL of the next page. Okendo's docs say to "append the nextUrl to the base path" (e.g. "/reviews?…"); a full
 * URL or one that already names the base path is accepted only when it stays under the same base, so a cursor can
 * never send the credentials elsewhere. Returns null for anything else.
 */
export function nextPageUrl(base: string, nextUrl: string): string | null {
  if (nextUrl.length === 0 || nextUrl.length > MAX_NEXT_URL_LENGTH) return null;
  const basePath = new URL(base).pathname;
  let candidate: string;
  if (/^[a-z][a-z0-9+.-]*:/i.test(nextUrl)) candidate = nextUrl;
  else if (nextUrl.startsWith("//")) return null;
  else if (nextUrl.startsWith(`${basePath}/`)) candidate = new URL(base).origin + nextUrl;
  else candidate = `${base}${nextUrl.startsWith("/") ? "" : "/"}${nextUrl}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  const under = `${url.origin}${url.pathname}`.startsWith(`${base}/`);
  return under && !url.username && !url.password ? url.toString() : null;
}
