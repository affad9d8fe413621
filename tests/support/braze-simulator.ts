/**
 * Braze REST API simulator for tests, the demo and the benchmark.
 *
 * It answers /users/track and /users/delete the way Braze documents them,
 * records every request, and can be told to fail. It is imported by vitest,
 * driven over HTTP from Playwright (the app runs in another process), and run
 * directly by Node's built-in type stripping — hence only erasable TypeScript,
 * only `node:` imports and no relative imports.
 *
 * CLI: node tests/support/braze-simulator.ts [--port 4010] [--host 127.0.0.1]
 */
import { createServer, STATUS_CODES } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export interface RecordedRequest {
  id: number;
  path: string;
  method: string;
  apiKey: string | null;
  /** Parsed JSON, the raw string when it is not JSON, or null when empty. */
  body: unknown;
  status: number;
  response: unknown;
  /** Epoch milliseconds at arrival (before any simulated latency). */
  receivedAt: number;
}

/** An accepted attributes/events object, flattened, plus where it came from. */
export type AcceptedObject = Record<string, unknown> & {
  apiKey: string;
  requestId: number;
};

export interface FailureResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BrazeSimulator {
  url: string;
  port: number;
  requests: RecordedRequest[];
  events(): AcceptedObject[];
  attributes(): AcceptedObject[];
  deletions(): RecordedRequest[];
  addKey(key: string, permissions: string[]): void;
  failNext(n: number, response: FailureResponse): void;
  setDown(down: boolean): Promise<void>;
  setLatency(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

export interface BrazeSimulatorOptions {
  port?: number;
  host?: string;
}

const TRACK = "/users/track";
const DELETE = "/users/delete";
const CONTROL_PREFIX = "/__simulator/";
const REQUIRED_PERMISSION: Record<string, string> = {
  [TRACK]: "users.track",
  [DELETE]: "users.delete",
};
const ALL_PERMISSIONS = ["users.track", "users.delete"];
const MAX_TRACK_OBJECTS = 75;
const MAX_DELETE_IDENTIFIERS = 50;
const NO_VALID_DATA = "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.";

// Braze's published per-endpoint limits. They are only reported in headers,
// never enforced: 429 behaviour is driven explicitly through failNext so tests
// stay deterministic (a benchmark must not trip over a simulated limit).
const RATE_LIMITS: Record<string, { limit: number; windowMs: number }> = {
  [TRACK]: { limit: 3_000, windowMs: 3_000 },
  [DELETE]: { limit: 20_000, windowMs: 60_000 },
  "*": { limit: 250_000, windowMs: 3_600_000 },
};

const TRACK_ARRAYS = ["attributes", "events", "purchases"] as const;
type TrackArray = (typeof TRACK_ARRAYS)[number];
const PRIMARY_IDENTIFIERS = ["external_id", "user_alias", "braze_id"] as const;

// ISO 8601 date or date-time; Braze also documents `HH:mm:ss:SSS` (colon before millis).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.:]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isAlias(value: unknown): boolean {
  return isObject(value) && isNonEmptyString(value.alias_name) && isNonEmptyString(value.alias_label);
}

function isIsoTime(value: unknown): boolean {
  if (typeof value !== "string" || !ISO_8601.test(value)) return false;
  // Date.parse rejects the colon-before-millis form, so normalise it first.
  return !Number.isNaN(Date.parse(value.replace(/(T\d{2}:\d{2}:\d{2}):(\d+)/, "$1.$2")));
}

function badRequest(message: string): Outcome {
  return { status: 400, body: { message } };
}

/** Returns why an object cannot be attributed to a user, or null. */
function identifierProblem(object: Json): string | null {
  const present = PRIMARY_IDENTIFIERS.filter((k) => object[k] !== undefined && object[k] !== null);
  const [only, second] = present;
  if (second !== undefined) {
    return `Exactly one of 'external_id', 'user_alias' or 'braze_id' may be provided, got ${present.join(", ")}`;
  }
  if (only === "user_alias") {
    return isAlias(object.user_alias) ? null : "'user_alias' must contain string 'alias_name' and 'alias_label'";
  }
  if (only !== undefined) {
    return isNonEmptyString(object[only]) ? null : `'${only}' must be a non-empty string`;
  }
  // email/phone only identify a user when no primary identifier is given.
  if (isNonEmptyString(object.email) || isNonEmptyString(object.phone)) return null;
  return "One of 'external_id', 'user_alias', 'braze_id', 'email' or 'phone' is required";
}

const VALIDATORS: Record<TrackArray, (object: Json) => string | null> = {
  attributes: (o) => {
    if (o._update_existing_only !== undefined && typeof o._update_existing_only !== "boolean") {
      return "'_update_existing_only' must be a boolean";
    }
    return null;
  },
  events: (o) => {
    if (!isNonEmptyString(o.name)) return "Event 'name' must be a non-empty string";
    if (!isIsoTime(o.time)) return "Event 'time' must be an ISO 8601 string";
    if (o.properties !== undefined && !isObject(o.properties)) return "Event 'properties' must be an object";
    return null;
  },
  purchases: (o) => {
    if (!isNonEmptyString(o.product_id)) return "Purchase 'product_id' must be a non-empty string";
    if (typeof o.currency !== "string" || !/^[A-Za-z]{3}$/.test(o.currency)) {
      return "Purchase 'currency' must be a 3-letter ISO 4217 code";
    }
    if (typeof o.price !== "number" || !Number.isFinite(o.price)) return "Purchase 'price' must be a number";
    if (!isIsoTime(o.time)) return "Purchase 'time' must be an ISO 8601 string";
    return null;
  },
};

function handleTrack(body: unknown): Outcome {
  if (!isObject(body)) return badRequest("Request body must be a JSON object.");
  const lists: Partial<Record<TrackArray, unknown[]>> = {};
  let total = 0;
  for (const name of TRACK_ARRAYS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) return badRequest(`'${name}' must be an array.`);
    lists[name] = value;
    total += value.length;
  }
  if (total === 0) return badRequest(NO_VALID_DATA);
  if (total > MAX_TRACK_OBJECTS) {
    return badRequest(
      `Too many objects: a request may contain at most ${MAX_TRACK_OBJECTS} attributes, events and purchases combined (received ${total}).`,
    );
  }

  const response: Json = { message: "success" };
  const errors: { type: string; input_array: TrackArray; index: number }[] = [];
  let processed = 0;
  for (const name of TRACK_ARRAYS) {
    const list = lists[name];
    if (!list || list.length === 0) continue;
    let accepted = 0;
    list.forEach((object, index) => {
      const problem = isObject(object)
        ? (identifierProblem(object) ?? VALIDATORS[name](object))
        : "Each entry must be a JSON object";
      if (problem) errors.push({ type: problem, input_array: name, index });
      else accepted++;
    });
    response[`${name}_processed`] = accepted;
    processed += accepted;
  }
  if (processed === 0) return { status: 400, body: { message: NO_VALID_DATA, errors } };
  if (errors.length > 0) response.errors = errors;
  return { status: 201, body: response };
}

function isEmailEntry(value: unknown): boolean {
  return (
    isObject(value) &&
    isNonEmptyString(value.email) &&
    Array.isArray(value.prioritization) &&
    value.prioritization.every(isNonEmptyString)
  );
}

const DELETE_FIELDS: [string, (value: unknown) => boolean][] = [
  ["external_ids", isNonEmptyString],
  ["user_aliases", isAlias],
  ["braze_ids", isNonEmptyString],
  ["email_addresses", isEmailEntry],
];

function handleDelete(body: unknown): Outcome {
  if (!isObject(body)) return badRequest("Request body must be a JSON object.");
  let total = 0;
  for (const [field, isValid] of DELETE_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) return badRequest(`'${field}' must be an array.`);
    const invalidAt = value.findIndex((entry) => !isValid(entry));
    if (invalidAt >= 0) return badRequest(`'${field}[${invalidAt}]' is not a valid identifier.`);
    total += value.length;
  }
  if (total === 0) {
    return badRequest("One of 'external_ids', 'user_aliases', 'braze_ids' or 'email_addresses' must be provided.");
  }
  if (total > MAX_DELETE_IDENTIFIERS) {
    return badRequest(
      `Too many identifiers: a request may delete at most ${MAX_DELETE_IDENTIFIERS} users (received ${total}).`,
    );
  }
  return { status: 201, body: { message: "success", deleted: total } };
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/** Enough of the key to recognise it in a log, never the whole secret. */
function maskKey(key: string | null): string {
  if (!key) return "(none)";
  return key.length <= 8 ? `${key.slice(0, 2)}…` : `${key.slice(0, 8)}…`;
}

function parseBody(raw: string): { ok: boolean; value: unknown } {
  if (raw === "") return { ok: false, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, value: raw };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return; // e.g. the connection was dropped by setDown(true) during latency
  const isText = typeof body === "string";
  const payload = body === undefined ? "" : isText ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  // Node would send both "Retry-After" and "retry-after" if casing differed.
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value);
  return out;
}

function validateFailure(n: unknown, response: Partial<FailureResponse>): string | null {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return "n must be a positive integer";
  const { status } = response;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    return "status must be an HTTP status code";
  }
  if (response.headers !== undefined && !isObject(response.headers)) return "headers must be an object";
  return null;
}

export async function startBrazeSimulator(options: BrazeSimulatorOptions = {}): Promise<BrazeSimulator> {
  const host = options.host ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  // Canned responses are recorded like any other; this marks them as "not processed".
  const injected = new WeakSet<RecordedRequest>();
  const failures: FailureResponse[] = [];
  const customKeys = new Map<string, string[]>();
  const rateWindows = new Map<string, { start: number; count: number }>();
  let nextId = 1;
  let latencyMs = 0;
  let down = false;
  let closed = false;

  function permissionsFor(key: string | null): string[] | null {
    if (key === null) return null;
    const custom = customKeys.get(key);
    if (custom) return custom;
    if (key.startsWith("invalid-")) return null;
    if (key.startsWith("nopermission-")) return [];
    if (key.startsWith("trackonly-")) return ["users.track"];
    if (key.startsWith("valid-")) return ALL_PERMISSIONS;
    return null;
  }

  function rateLimitHeaders(path: string, now: number): Record<string, string> {
    const bucket = RATE_LIMITS[path] ? path : "*";
    const rule = RATE_LIMITS[bucket] ?? { limit: 0, windowMs: 1 };
    let window = rateWindows.get(bucket);
    if (!window || now >= window.start + rule.windowMs) {
      window = { start: now, count: 0 };
      rateWindows.set(bucket, window);
    }
    window.count++;
    return {
      "x-ratelimit-limit": String(rule.limit),
      "x-ratelimit-remaining": String(Math.max(0, rule.limit - window.count)),
      "x-ratelimit-reset": String(Math.ceil((window.start + rule.windowMs) / 1000)),
    };
  }

  /** Decides the Braze answer; `injected` is true when a queued failure was used. */
  function answer(
    path: string,
    method: string,
    apiKey: string | null,
    parsed: { ok: boolean; value: unknown },
  ): Outcome & { injected?: boolean } {
    const permission = REQUIRED_PERMISSION[path];
    if (permission === undefined) return { status: 404, body: { message: "Not found" } };
    if (method !== "POST") return { status: 405, body: { message: "Method Not Allowed" }, headers: { allow: "POST" } };

    const failure = failures.shift();
    if (failure) {
      const body = failure.body !== undefined ? failure.body : { message: STATUS_CODES[failure.status] ?? "Error" };
      return { status: failure.status, body, headers: lowerCaseKeys(failure.headers), injected: true };
    }

    const permissions = permissionsFor(apiKey);
    if (permissions === null) return { status: 401, body: { message: `Invalid API key: ${maskKey(apiKey)}` } };
    if (!permissions.includes(permission)) return { status: 403, body: { message: "Access Denied" } };
    if (!parsed.ok) return badRequest("Request body must be valid JSON.");
    return path === TRACK ? handleTrack(parsed.value) : handleDelete(parsed.value);
  }

  function accepted(array: "events" | "attributes"): AcceptedObject[] {
    const out: AcceptedObject[] = [];
    for (const request of requests) {
      if (request.path !== TRACK || request.status < 200 || request.status > 299 || injected.has(request)) continue;
      const list = (request.body as Json)[array];
      if (!Array.isArray(list)) continue;
      const rejected = new Set<number>();
      const errors = (request.response as Json).errors;
      if (Array.isArray(errors)) {
        for (const e of errors as Json[]) if (e.input_array === array) rejected.add(e.index as number);
      }
      list.forEach((object: Json, index) => {
        if (!rejected.has(index)) out.push({ ...object, apiKey: request.apiKey ?? "", requestId: request.id });
      });
    }
    return out;
  }

  function deletions(): RecordedRequest[] {
    return requests.filter((r) => r.path === DELETE && r.status >= 200 && r.status <= 299 && !injected.has(r));
  }

  function failNext(n: number, response: FailureResponse): void {
    const problem = validateFailure(n, response);
    if (problem) throw new RangeError(`failNext: ${problem}`);
    for (let i = 0; i < n; i++) failures.push(response);
  }

  function reset(): void {
    requests.length = 0; // in place: callers may hold the live array
    failures.length = 0;
    customKeys.clear();
    rateWindows.clear();
    latencyMs = 0;
    nextId = 1;
  }

  function control(path: string, method: string, query: URLSearchParams, raw: string): Outcome {
    const route = `${method} ${path.slice(CONTROL_PREFIX.length)}`;
    const parsed = parseBody(raw);
    const body: Json = isObject(parsed.value) ? parsed.value : {};
    switch (route) {
      case "GET health":
        return { status: 200, body: { ok: true } };
      case "GET requests": {
        const only = query.get("path");
        return { status: 200, body: only ? requests.filter((r) => r.path === only) : requests };
      }
      case "GET events":
        return { status: 200, body: accepted("events") };
      case "GET attributes":
        return { status: 200, body: accepted("attributes") };
      case "GET deletions":
        return { status: 200, body: deletions() };
      case "POST reset":
        reset();
        return { status: 200, body: { ok: true } };
      case "POST fail-next": {
        const response = { status: body.status, body: body.body, headers: body.headers } as FailureResponse;
        const problem = validateFailure(body.n ?? 1, response);
        if (problem) return badRequest(problem);
        failNext((body.n as number | undefined) ?? 1, response);
        return { status: 200, body: { ok: true, queued: failures.length } };
      }
      case "POST keys": {
        const permissions = body.permissions ?? ALL_PERMISSIONS;
        if (!isNonEmptyString(body.key) || !Array.isArray(permissions) || !permissions.every(isNonEmptyString)) {
          return badRequest("expected {key: string, permissions?: string[]}");
        }
        customKeys.set(body.key, permissions);
        return { status: 200, body: { ok: true } };
      }
      case "POST latency": {
        if (typeof body.ms !== "number" || !(body.ms >= 0)) return badRequest("expected {ms: number >= 0}");
        latencyMs = body.ms;
        return { status: 200, body: { ok: true } };
      }
      default:
        return { status: 404, body: { message: "Not found" } };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? "/", "http://simulator");
    const method = req.method ?? "GET";
    const raw = await readBody(req);

    // Control traffic is neither recorded, delayed, failed nor rate-limited.
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const outcome = control(url.pathname, method, url.searchParams, raw);
      send(res, outcome.status, outcome.body, outcome.headers);
      return;
    }

    const apiKey = bearerToken(req.headers.authorization);
    const parsed = parseBody(raw);
    const outcome = answer(url.pathname, method, apiKey, parsed);

    // Recorded on arrival, before any simulated latency: like Braze, a request whose client dies while waiting
    // for the answer has still been processed.
    const record: RecordedRequest = {
      id: nextId++,
      path: url.pathname,
      method,
      apiKey,
      body: parsed.value,
      status: outcome.status,
      response: outcome.body,
      receivedAt,
    };
    requests.push(record);
    if (outcome.injected) injected.add(record);
    if (latencyMs > 0) await sleep(latencyMs);
    // Canned headers win, so a 429 can carry its own x-ratelimit-reset.
    send(res, outcome.status, outcome.body, { ...rateLimitHeaders(url.pathname, Date.now()), ...outcome.headers });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  async function stopListening(): Promise<void> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets would otherwise keep answering; clients must see a dead server.
      server.closeAllConnections();
    });
    // Give in-process clients (fetch's keep-alive pool) an I/O turn to notice the
    // dropped sockets, so their next request dials anew and gets ECONNREFUSED
    // instead of "other side closed" on a stale socket.
    await new Promise((resolve) => setImmediate(resolve));
  }

  await listen(options.port ?? 0);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  const simulator: BrazeSimulator = {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    events: () => accepted("events"),
    attributes: () => accepted("attributes"),
    deletions,
    addKey(key, permissions) {
      customKeys.set(key, [...permissions]);
    },
    failNext,
    async setDown(value) {
      if (closed || value === down) return;
      down = value;
      // Same port on the way back up, so clients configured with `url` reconnect.
      await (value ? stopListening() : listen(port));
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    reset,
    async close() {
      if (closed) return;
      closed = true;
      if (!down) await stopListening();
    },
  };
  return simulator;
}

// CLI entry point (for Playwright's webServer and manual runs).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" } } });
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`braze-simulator: invalid --port ${values.port}`);
    process.exit(2);
  }
  const simulator = await startBrazeSimulator({ port, host: values.host });
  console.log(`braze-simulator listening on ${simulator.url}`);
  const shutdown = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
