// Braze REST endpoint allowlist and normalization.
//
// The merchant's Braze API key is sent to whatever endpoint is saved, so the
// endpoint must be one of Braze's own REST hosts: a free-form URL would let a
// typo (or a malicious paste) ship the key and customer data to a third party.
// This module is shared with the settings screen (it fills the instance select
// and gives inline field errors), so it must stay browser-safe: no node: imports.
//
// Source for the table: Braze docs, "API and SDK endpoints"
// (https://www.braze.com/docs/user_guide/administrative/access_braze/sdk_endpoints).

export interface BrazeInstance {
  id: string;
  url: string;
  label: string; // e.g. "US-03 — https://rest.iad-03.braze.com"
}

export type EndpointResult = { ok: true; url: string } | { ok: false; error: string };

// [instance id, cluster host suffix]. REST host = "rest." + cluster, SDK host = "sdk." + cluster.
// There is no US-09.
const CLUSTERS: ReadonlyArray<readonly [id: string, cluster: string]> = [
  ["US-01", "iad-01.braze.com"],
  ["US-02", "iad-02.braze.com"],
  ["US-03", "iad-03.braze.com"],
  ["US-04", "iad-04.braze.com"],
  ["US-05", "iad-05.braze.com"],
  ["US-06", "iad-06.braze.com"],
  ["US-07", "iad-07.braze.com"],
  ["US-08", "iad-08.braze.com"],
  ["US-10", "us-10.braze.com"],
  ["EU-01", "fra-01.braze.eu"],
  ["EU-02", "fra-02.braze.eu"],
  ["AU-01", "au-01.braze.com"],
  ["ID-01", "id-01.braze.com"],
  ["JP-01", "jp-01.braze.com"],
  ["KR-01", "kr-01.braze.com"],
];

export const BRAZE_INSTANCES: readonly BrazeInstance[] = Object.freeze(
  CLUSTERS.map(([id, cluster]) => {
    const url = `https://rest.${cluster}`;
    return Object.freeze({ id, url, label: `${id} — ${url}` });
  }),
);

// REST host → canonical URL.
const REST_BY_HOST = new Map(BRAZE_INSTANCES.map((i) => [new URL(i.url).hostname, i.url]));

// Dashboard host → REST URL, only for the pairs the Braze docs list explicitly.
// Deliberately not derived by pattern: a wrong hint would send the merchant to
// the wrong data centre, so unknown dashboard hosts get a generic message.
const REST_BY_DASHBOARD_HOST = new Map<string, string>([
  ["dashboard-01.braze.com", "https://rest.iad-01.braze.com"],
  ["dashboard-02.braze.com", "https://rest.iad-02.braze.com"],
  ["dashboard-03.braze.com", "https://rest.iad-03.braze.com"],
  ["dashboard-04.braze.com", "https://rest.iad-04.braze.com"],
  ["dashboard-05.braze.com", "https://rest.iad-05.braze.com"],
  ["dashboard-06.braze.com", "https://rest.iad-06.braze.com"],
  ["dashboard-07.braze.com", "https://rest.iad-07.braze.com"],
  ["dashboard-08.braze.com", "https://rest.iad-08.braze.com"],
  ["dashboard.us-10.braze.com", "https://rest.us-10.braze.com"],
  ["dashboard-01.braze.eu", "https://rest.fra-01.braze.eu"],
  ["dashboard-02.braze.eu", "https://rest.fra-02.braze.eu"],
  ["dashboard.au-01.braze.com", "https://rest.au-01.braze.com"],
]);

const EXAMPLE = BRAZE_INSTANCES[0]!.url;

export const ENDPOINT_ERRORS = {
  empty: "Enter your Braze REST endpoint.",
  notAUrl: `Enter a URL like ${EXAMPLE}.`,
  sdk: (restUrl: string) => `That is a Braze SDK endpoint. Use the REST endpoint for the same instance: ${restUrl}`,
  sdkUnknown: "That is a Braze SDK endpoint. Choose the REST endpoint for your instance from the list.",
  dashboard: (restUrl: string) =>
    `That is the Braze dashboard address. Use the REST endpoint for the same instance: ${restUrl}`,
  dashboardUnknown:
    "That is the Braze dashboard address, not the REST endpoint. Use the REST endpoint shown in Braze under Settings › APIs and Identifiers.",
  port: (host: string) =>
    `${host} is not a Braze REST endpoint. Remove the port number: Braze REST endpoints use the standard HTTPS port.`,
  userinfo:
    "Remove the user name and password (the part before “@”) from the endpoint. Braze REST endpoints don't use them.",
  notAllowed: (host: string) => `${host} is not a Braze REST endpoint. Choose your instance from the list.`,
} as const;

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const BRAZE_DOMAIN = /\.braze\.(com|eu)$/;

// Parses user input as an http(s) URL, adding https:// when the scheme is
// missing (merchants often paste the bare host). Returns null when it isn't one.
function parseHttpUrl(raw: string): URL | null {
  const withScheme = HAS_SCHEME.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return url;
}

/**
 * Normalizes a pasted endpoint to the bare origin of a Braze REST endpoint, or
 * explains why it can't be used. Paths, query strings, trailing slashes and
 * letter case are ignored; the result is always the canonical URL from
 * BRAZE_INSTANCES (or the matching extra origin).
 *
 * http:// on a real Braze host is upgraded to https:// rather than refused:
 * the host is already pinned by the allowlist, the returned URL is the https
 * one, so the key is never sent over plain http and the merchant is spared an
 * error for a harmless typo.
 *
 * extraAllowed: additional origins (from BRAZE_EXTRA_ENDPOINTS) for local dev,
 * demos and tests. They match on exact origin and keep their scheme, so
 * http://127.0.0.1:4010 is allowed only when listed.
 */
export function normalizeBrazeEndpoint(input: string, extraAllowed: readonly string[] = []): EndpointResult {
  const raw = input.trim();
  if (raw === "") return { ok: false, error: ENDPOINT_ERRORS.empty };

  const url = parseHttpUrl(raw);
  if (!url) return { ok: false, error: ENDPOINT_ERRORS.notAUrl };

  // A trailing dot is the same DNS name; drop it so the message reads naturally.
  const hostname = url.hostname.replace(/\.+$/, "");
  const restUrl = REST_BY_HOST.get(hostname);
  const extra = matchExtra(url, extraAllowed);

  // "https://rest.iad-01.braze.com@evil.com" parses with host evil.com; it falls
  // through to notAllowed below, which names the real host. Credentials on an
  // allowed host are refused too rather than silently dropped.
  const hasUserinfo = url.username !== "" || url.password !== "";
  if (hasUserinfo && (restUrl || extra)) return { ok: false, error: ENDPOINT_ERRORS.userinfo };

  if (extra) return { ok: true, url: extra };

  if (restUrl) {
    // url.port is "" for the scheme's default port, so ":443" is accepted.
    if (url.port !== "") return { ok: false, error: ENDPOINT_ERRORS.port(`${hostname}:${url.port}`) };
    return { ok: true, url: restUrl };
  }

  if (!hasUserinfo && BRAZE_DOMAIN.test(hostname)) {
    if (hostname.startsWith("sdk.")) {
      const rest = REST_BY_HOST.get(`rest.${hostname.slice("sdk.".length)}`);
      return { ok: false, error: rest ? ENDPOINT_ERRORS.sdk(rest) : ENDPOINT_ERRORS.sdkUnknown };
    }
    if (hostname.startsWith("dashboard")) {
      const rest = REST_BY_DASHBOARD_HOST.get(hostname);
      return {
        ok: false,
        error: rest ? ENDPOINT_ERRORS.dashboard(rest) : ENDPOINT_ERRORS.dashboardUnknown,
      };
    }
  }

  // A single word (e.g. an API key pasted into the wrong field) is not a URL,
  // even though "https://" + word parses. IPv6 literals are bracketed.
  if (!hostname.includes(".") && !hostname.startsWith("[")) {
    return { ok: false, error: ENDPOINT_ERRORS.notAUrl };
  }

  const shownHost = url.port ? `${hostname}:${url.port}` : hostname;
  return { ok: false, error: ENDPOINT_ERRORS.notAllowed(shownHost) };
}

// Exact origin comparison (scheme + host + port), after the same parsing.
function matchExtra(url: URL, extraAllowed: readonly string[]): string | null {
  for (const candidate of extraAllowed) {
    const parsed = parseHttpUrl(candidate.trim());
    if (parsed && parsed.origin === url.origin) return parsed.origin;
  }
  return null;
}

/**
 * Parses BRAZE_EXTRA_ENDPOINTS (comma-separated) into normalized origins.
 * Blank entries are ignored; a malformed entry throws, because silently
 * dropping it would only surface later as a puzzling "not a Braze REST
 * endpoint" error.
 */
export function parseExtraEndpoints(value: string | undefined): string[] {
  if (!value) return [];
  const origins: string[] = [];
  for (const entry of value.split(",")) {
    const raw = entry.trim();
    if (raw === "") continue;
    const url = parseHttpUrl(raw);
    if (!url || url.username !== "" || url.password !== "") {
      throw new Error(`BRAZE_EXTRA_ENDPOINTS: "${raw}" is not an http(s) URL like http://127.0.0.1:4010`);
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}
