/**
 * Okendo Merchant REST API simulator for tests and the demo, with Svix-style webhook delivery.
 *
 * It answers what docs.okendo.io publishes for the Merchant API (HTTP Basic with the Okendo User ID and a
 * 32-character API key, about 2 requests/s per account with a small burst then 429, `nextUrl` pagination relative
 * to the base path, `GET /reviews`, webhook subscriptions) and delivers webhooks the way Okendo does through Svix:
 * `{"sequenceNumber": n, "resource": {...}}` with no topic field, signed with the subscription's `whsec_` secret
 * (svix-id / svix-timestamp / svix-signature), retried on failure with the same svix-id.
 *
 * What Okendo does not publish is a choice here, and each choice can be changed so tests can check that the app
 * copes with the alternatives: the field name of the secret in the create answer (`secretField`), whether
 * PUT/PATCH/DELETE on a subscription exist (`unsupported`), and whether a subscription's topic is written
 * `create` (as in the published example) or `review.create` (`topicForm`).
 *
 * Like the Braze simulator it is imported by vitest, driven over HTTP (`/__simulator/…`) from Playwright, and run
 * directly by Node's type stripping — hence only erasable TypeScript and no relative imports.
 *
 * CLI: node tests/support/okendo-simulator.ts [--port 4020] [--host 127.0.0.1]
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

export const RESOURCE_TYPES = [
  "review",
  "loyalty_adjustment_transaction",
  "loyalty_customer",
  "loyalty_earning_transaction",
  "loyalty_redemption_transaction",
] as const;
const VERBS = ["create", "update", "delete"] as const;
const WEBHOOK_VERSION = "2025-02-01";
const CONTROL_PREFIX = "/__simulator/";

type Json = Record<string, unknown>;

export interface RecordedRequest {
  id: number;
  method: string;
  /** The path below the base path, e.g. "/webhook_subscriptions/…"; the query string is in `query`. */
  path: string;
  query: Record<string, string>;
  /** The Okendo User ID from the Basic credentials (whether or not they were right), or null. */
  user: string | null;
  /** Parsed JSON, the raw string when it is not JSON, or null when empty. */
  body: unknown;
  status: number;
  receivedAt: number;
}

export interface Subscription {
  subscriberId: string;
  webhookSubscriptionId: string;
  endpointUrl: string;
  version: string;
  subscriptions: { resourceType: string; topic: string }[];
  isEnabled: boolean;
  dateCreated: string;
  dateModified: string;
}

/** One webhook message for one subscription (Svix's "message attempt" history, flattened). */
export interface Delivery {
  messageId: string;
  subscriptionId: string;
  endpointUrl: string;
  /** "review.create" etc.: what the message is about. Not sent: Okendo's body carries no topic. */
  topic: string;
  body: string;
  outcome: "pending" | "delivered" | "failed" | "dropped";
  attempts: { at: number; status: number | null; error?: string }[];
}

export interface FailureResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface AccountOptions {
  userId?: string;
  apiKey?: string;
  /** False: the plan has no webhooks (403 on every webhook endpoint). Default true. */
  webhooks?: boolean;
  /** Generated reviews to seed. */
  reviews?: number;
  /** How many distinct reviewers the generated reviews come from (default: a third of the reviews). */
  customers?: number;
}

export interface Account {
  userId: string;
  apiKey: string;
}

export interface SimulatorSettings {
  /** Where the create answer puts the secret: a field name or a dotted path ("secret.value"); null omits it. */
  secretField: string | null;
  /** Methods on /webhook_subscriptions/{id} that answer 405. */
  unsupported: ("PUT" | "PATCH" | "DELETE")[];
  /** "create" as in Okendo's published example, or "review.create"; the other form is refused with 422. */
  topicForm: "verb" | "qualified";
}

export interface OkendoSimulatorOptions {
  port?: number;
  host?: string;
  /** Requests per second and burst per account; null turns the limit off. Default 2/s, burst 4. */
  rateLimit?: { perSecond: number; burst: number } | null;
  /** Delays before each retry of a failed delivery (Svix: 5 s, 5 min, 30 min, …; shortened for tests). */
  retryDelaysMs?: number[];
  /** How long a delivery may take before it counts as failed (Svix: 15 s). */
  deliveryTimeoutMs?: number;
  settings?: Partial<SimulatorSettings>;
}

export interface OkendoSimulator {
  /** The base URL, like https://api.okendo.io/enterprise (what OKENDO_EXTRA_API_URLS lists). */
  url: string;
  /** Scheme, host and port, for the control API. */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  deliveries: Delivery[];
  addAccount(options?: AccountOptions): Account;
  setWebhooksAllowed(userId: string, allowed: boolean): void;
  subscriptions(userId: string): Subscription[];
  reviews(userId: string): Json[];
  /** Disables a subscription as Svix does after repeated failures. */
  disableSubscription(subscriptionId: string): void;
  /** Loses the next n deliveries upstream: recorded as "dropped", never sent. */
  dropNextDeliveries(n?: number): void;
  /** Adds an approved review to the account and delivers review.create to matching subscriptions. */
  addReview(userId: string, overrides?: Json): Json;
  /** Delivers any resource under a topic ("loyalty_customer.update") to matching subscriptions. */
  deliver(userId: string, topic: string, resource: Json): Delivery[];
  /**
   * Answers the next n API requests with a canned failure; optionally only one account's, only one method's, and
   * only after letting `skip` matching requests through.
   */
  failNext(n: number, response: FailureResponse, options?: { userId?: string; method?: string; skip?: number }): void;
  configure(settings: Partial<SimulatorSettings>): void;
  /** Resolves when no delivery is pending (retries included). */
  settled(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

interface AccountState extends Account {
  webhooks: boolean;
  reviews: (Json & { _status: string })[];
  subscriptions: Map<string, Subscription & { secret: string }>;
  sequence: Map<string, number>;
  bucket: { tokens: number; at: number };
}

interface Outcome {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DEFAULT_SETTINGS: SimulatorSettings = { secretField: "webhookSecret", unsupported: [], topicForm: "verb" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API_KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Okendo's error bodies are not published; a message is what its docs describe in prose. */
function error(status: number, message: string, headers?: Record<string, string>): Outcome {
  return { status, body: { message }, headers };
}

function generateApiKey(): string {
  const bytes = randomBytes(32);
  return Array.from(bytes, (b) => API_KEY_CHARS[b % API_KEY_CHARS.length]).join("");
}

function generateSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

// A stable UUID-shaped id from a seed, so generated data is the same on every run.
function seededUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PRODUCTS = [
  ["8012345678901", "Hydrating Face Serum"],
  ["8012345678902", "Overnight Repair Mask"],
  ["8012345678903", "Daily Mineral Sunscreen"],
  ["8012345678904", "Gentle Foaming Cleanser"],
] as const;
const COUNTRIES = ["AU", "US", "GB", "NZ", "CA"];
const START = Date.parse("2025-01-01T00:00:00.000Z");

/** Review i of an account, in the shape Okendo publishes for the Merchant API and the webhook `resource`. */
function generatedReview(subscriberId: string, i: number, customers: number): Json & { _status: string } {
  const customer = i % customers;
  const [productId, productName] = PRODUCTS[i % PRODUCTS.length]!;
  const rating = 1 + ((i * 7 + 3) % 5);
  // Every 7th reviewer left no email (Okendo allows anonymous-ish reviews through some channels).
  const email = customer % 7 === 6 ? undefined : `customer-${customer}@example.com`;
  return {
    subscriberId,
    reviewId: seededUuid(`${subscriberId}:review:${i}`),
    productId: `shopify-${productId}`,
    productName,
    rating,
    title: `Review ${i + 1}: ${rating >= 4 ? "love it" : rating === 3 ? "it's fine" : "not for me"}`,
    body: `Generated review ${i + 1} of ${productName}.`,
    isRecommended: rating >= 4,
    dateCreated: new Date(START + i * 3_600_000).toISOString(),
    media:
      i % 5 === 0
        ? [
            {
              streamId: seededUuid(`${subscriberId}:media:${i}`),
              type: "image",
              fullSizeUrl: `https://example.com/reviews/${i}/photo.jpg`,
              thumbnailUrl: `https://example.com/reviews/${i}/photo-thumb.jpg`,
              isHidden: false,
            },
          ]
        : [],
    attributesWithRating: [],
    productAttributes: [],
    order: i % 2 === 0 ? { orderId: String(5900000000000 + i), orderNumber: `#${1000 + i}` } : undefined,
    reviewer: {
      ...(email ? { email } : {}),
      name: `Customer ${customer}`,
      displayName: `Customer ${customer}.`,
      isVerified: i % 3 !== 0,
      verifiedStatus: i % 3 !== 0 ? "Verified Buyer" : "Verified Reviewer",
      location: { country: { code: COUNTRIES[customer % COUNTRIES.length] } },
      attributes: [{ title: "Skin Type", type: "single-value", value: customer % 2 ? "Dry" : "Oily" }],
    },
    reward: null,
    helpfulCount: i % 4,
    containsProfanity: false,
    // Not part of the published object: which moderation status list it belongs to.
    _status: i % 11 === 10 ? "pending" : "approved",
  };
}

function publicReview(review: Json): Json {
  const { _status: _ignored, ...rest } = review;
  return rest;
}

function publicSubscription(subscription: Subscription & { secret?: string }): Subscription {
  const { secret: _secret, ...rest } = subscription;
  return rest;
}

function setPath(target: Json, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Json;
  }
  node[parts.at(-1)!] = value;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
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

function send(res: ServerResponse, outcome: Outcome): void {
  if (res.destroyed) return;
  const payload = outcome.body === undefined ? "" : JSON.stringify(outcome.body);
  const headers: Record<string, string> = { ...(outcome.headers ?? {}) };
  if (payload !== "") headers["content-type"] = "application/json; charset=utf-8";
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(outcome.status, headers);
  res.end(payload);
}

function limitParam(query: URLSearchParams): number | string {
  const raw = query.get("limit");
  if (raw === null) return 25;
  const limit = Number(raw);
  return Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : "limit must be an integer between 1 and 100";
}

// lastEvaluated: "the URL-encoded JSON object representing the cursor" (docs.okendo.io).
function encodeCursor(cursor: Json): string {
  return encodeURIComponent(JSON.stringify(cursor));
}

function decodeCursor(raw: string | null): Json | null | "invalid" {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : "invalid";
  } catch {
    return "invalid";
  }
}

export async function startOkendoSimulator(options: OkendoSimulatorOptions = {}): Promise<OkendoSimulator> {
  const host = options.host ?? "127.0.0.1";
  const basePath = "/enterprise";
  const rateLimit = options.rateLimit === undefined ? { perSecond: 2, burst: 4 } : options.rateLimit;
  const retryDelaysMs = options.retryDelaysMs ?? [50, 200, 500];
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5_000;
  let settings: SimulatorSettings = { ...DEFAULT_SETTINGS, ...options.settings };

  const accounts = new Map<string, AccountState>();
  const requests: RecordedRequest[] = [];
  const deliveries: Delivery[] = [];
  const failures: (FailureResponse & { userId?: string; method?: string; skip: number })[] = [];
  const pending = new Set<Promise<void>>();
  let dropNext = 0;
  let nextRequestId = 1;
  let closed = false;

  // ─── accounts and data ────────────────────────────────────────────────────────────────────────────────────

  function addAccount(opts: AccountOptions = {}): Account {
    const userId = (opts.userId ?? randomUUID()).toLowerCase();
    const apiKey = opts.apiKey ?? generateApiKey();
    const count = opts.reviews ?? 0;
    const customers = Math.max(1, opts.customers ?? Math.ceil(count / 3));
    accounts.set(userId, {
      userId,
      apiKey,
      webhooks: opts.webhooks ?? true,
      reviews: Array.from({ length: count }, (_, i) => generatedReview(userId, i, customers)),
      subscriptions: new Map(),
      sequence: new Map(),
      bucket: { tokens: rateLimit?.burst ?? 0, at: Date.now() },
    });
    return { userId, apiKey };
  }

  function account(userId: string): AccountState {
    const found = accounts.get(userId.toLowerCase());
    if (!found) throw new Error(`okendo-simulator: no account ${userId}`);
    return found;
  }

  function findSubscription(subscriptionId: string) {
    for (const state of accounts.values()) {
      const subscription = state.subscriptions.get(subscriptionId);
      if (subscription) return { state, subscription };
    }
    return null;
  }

  // ─── Svix-style delivery ──────────────────────────────────────────────────────────────────────────────────

  function topicMatches(subscription: Subscription, resourceType: string, verb: string): boolean {
    return subscription.subscriptions.some(
      (s) => s.resourceType === resourceType && (s.topic === verb || s.topic === `${resourceType}.${verb}`),
    );
  }

  async function attempt(delivery: Delivery, secret: string): Promise<boolean> {
    const now = new Date();
    const headers = {
      "content-type": "application/json",
      "user-agent": "Svix-Webhooks/1.0 (okendo-simulator)",
      "svix-id": delivery.messageId,
      // Each attempt is signed when it is sent, so a late retry still passes the receiver's 5-minute tolerance.
      "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign(delivery.messageId, now, delivery.body),
    };
    try {
      const response = await fetch(delivery.endpointUrl, {
        method: "POST",
        headers,
        body: delivery.body,
        redirect: "manual", // Svix counts a redirect as a failure
        signal: AbortSignal.timeout(deliveryTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.attempts.push({ at: now.getTime(), status: response.status });
      return response.status >= 200 && response.status < 300;
    } catch (cause) {
      const message =
        cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : "";
      delivery.attempts.push({ at: now.getTime(), status: null, error: message });
      return false;
    }
  }

  async function run(delivery: Delivery, state: AccountState, subscription: Subscription & { secret: string }) {
    for (let i = 0; ; i++) {
      if (closed) return;
      if (!subscription.isEnabled || !state.subscriptions.has(subscription.webhookSubscriptionId)) {
        // Svix stops attempting once an endpoint is disabled or removed.
        delivery.outcome = "failed";
        return;
      }
      if (await attempt(delivery, subscription.secret)) {
        delivery.outcome = "delivered";
        return;
      }
      const delay = retryDelaysMs[i];
      if (delay === undefined) {
        delivery.outcome = "failed";
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  function deliver(userId: string, topic: string, resource: Json): Delivery[] {
    const state = account(userId);
    const [resourceType, verb] = topic.split(".");
    if (!resourceType || !verb) throw new Error(`okendo-simulator: topic must look like review.create, got ${topic}`);
    const sequenceNumber = (state.sequence.get(resourceType) ?? 0) + 1;
    state.sequence.set(resourceType, sequenceNumber);
    // The published envelope: no topic, no event type — only the sequence number and the resource.
    const body = JSON.stringify({ sequenceNumber, resource });
    const sent: Delivery[] = [];
    for (const subscription of state.subscriptions.values()) {
      if (!subscription.isEnabled || !topicMatches(subscription, resourceType, verb)) continue;
      const delivery: Delivery = {
        messageId: `msg_${randomUUID().replace(/-/g, "")}`,
        subscriptionId: subscription.webhookSubscriptionId,
        endpointUrl: subscription.endpointUrl,
        topic,
        body,
        outcome: "pending",
        attempts: [],
      };
      deliveries.push(delivery);
      sent.push(delivery);
      if (dropNext > 0) {
        dropNext--;
        delivery.outcome = "dropped";
        continue;
      }
      const task = run(delivery, state, subscription).finally(() => pending.delete(task));
      pending.add(task);
    }
    return sent;
  }

  function addReview(userId: string, overrides: Json = {}): Json {
    const state = account(userId);
    const i = state.reviews.length;
    const generated = generatedReview(state.userId, i, i + 1);
    const review = {
      ...generated,
      reviewId: randomUUID(),
      reviewer: { ...(generated.reviewer as Json), email: `reviewer-${i}@example.com` },
      dateCreated: new Date().toISOString(),
      ...overrides,
      _status: "approved",
    };
    state.reviews.push(review);
    deliver(state.userId, "review.create", publicReview(review));
    return publicReview(review);
  }

  // ─── the API ──────────────────────────────────────────────────────────────────────────────────────────────

  function takeToken(state: AccountState): number {
    if (!rateLimit) return 0;
    const now = Date.now();
    const { bucket } = state;
    bucket.tokens = Math.min(rateLimit.burst, bucket.tokens + ((now - bucket.at) / 1000) * rateLimit.perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / rateLimit.perSecond) * 1000;
  }

  function listReviews(state: AccountState, query: URLSearchParams): Outcome {
    const limit = limitParam(query);
    if (typeof limit === "string") return error(400, limit);
    const orderBy = query.get("orderBy") ?? "date desc";
    const order = orderBy.match(/^(date|rating) (asc|desc)$/);
    if (!order) return error(400, "orderBy must be '(date|rating) (asc|desc)'");
    const status = query.get("status") ?? "approved";
    if (!["approved", "pending", "rejected"].includes(status)) {
      return error(400, "status must be one of 'approved', 'pending', 'rejected'");
    }
    const cursor = decodeCursor(query.get("lastEvaluated"));
    if (cursor === "invalid") return error(400, "lastEvaluated is not a valid cursor");

    const field = order[1] === "date" ? "dateCreated" : "rating";
    const direction = order[2] === "asc" ? 1 : -1;
    const key = (r: Json) => [r[field] as string | number, r.reviewId as string] as const;
    const compare = (a: readonly [string | number, string], b: readonly [string | number, string]) =>
      (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) * direction;
    const sorted = state.reviews.filter((r) => r._status === status).sort((a, b) => compare(key(a), key(b)));
    // Keyset pagination: a review added while a client pages through is neither skipped nor repeated.
    const after = cursor ? ([cursor[field], cursor.reviewId] as [string | number, string]) : null;
    const rest = after ? sorted.filter((r) => compare(key(r), after) > 0) : sorted;
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    const body: Json = { reviews: page.map(publicReview) };
    if (last && rest.length > limit) {
      const next = new URLSearchParams({ limit: String(limit), orderBy, status });
      body.nextUrl = `/reviews?${next}&lastEvaluated=${encodeCursor({ reviewId: last.reviewId, [field]: last[field] })}`;
    }
    return { status: 200, body };
  }

  function listSubscriptions(state: AccountState, query: URLSearchParams): Outcome {
    const limit = limitParam(query);
    if (typeof limit === "string") return error(400, limit);
    const orderBy = query.get("orderBy") ?? "desc";
    if (orderBy !== "asc" && orderBy !== "desc") return error(400, "orderBy must be 'asc' or 'desc'");
    const cursor = decodeCursor(query.get("lastEvaluated"));
    if (cursor === "invalid") return error(400, "lastEvaluated is not a valid cursor");
    const direction = orderBy === "asc" ? 1 : -1;
    const key = (s: Subscription) => `${s.dateCreated}|${s.webhookSubscriptionId}`;
    const sorted = [...state.subscriptions.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1) * direction);
    const after = cursor ? `${cursor.dateCreated}|${cursor.webhookSubscriptionId}` : null;
    const rest = after ? sorted.filter((s) => (key(s) > after ? 1 : key(s) < after ? -1 : 0) * direction > 0) : sorted;
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    const body: Json = { webhookSubscriptions: page.map(publicSubscription) };
    if (last && rest.length > limit) {
      const cursorJson = { webhookSubscriptionId: last.webhookSubscriptionId, dateCreated: last.dateCreated };
      body.nextUrl = `/webhook_subscriptions?limit=${limit}&orderBy=${orderBy}&lastEvaluated=${encodeCursor(cursorJson)}`;
    }
    return { status: 200, body };
  }

  /** Validates a subscription body; `partial` for PATCH. Returns the fields or a 422. */
  function subscriptionFields(value: unknown, partial: boolean): Partial<Subscription> | Outcome {
    if (!isObject(value)) return error(422, "Request body must be a JSON object");
    const fields: Partial<Subscription> = {};
    const need = (name: string) => !partial || value[name] !== undefined;
    if (need("endpointUrl")) {
      const url = typeof value.endpointUrl === "string" ? URL.parse(value.endpointUrl) : null;
      if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
        return error(422, "endpointUrl must be a URL");
      }
      fields.endpointUrl = value.endpointUrl as string;
    }
    if (need("isEnabled")) {
      if (typeof value.isEnabled !== "boolean") return error(422, "isEnabled must be a boolean");
      fields.isEnabled = value.isEnabled;
    }
    if (need("version")) {
      if (value.version !== WEBHOOK_VERSION) return error(422, `version must be "${WEBHOOK_VERSION}"`);
      fields.version = WEBHOOK_VERSION;
    }
    if (need("subscriptions")) {
      const list = value.subscriptions;
      if (!Array.isArray(list) || list.length === 0) return error(422, "subscriptions must be a non-empty array");
      const parsed: { resourceType: string; topic: string }[] = [];
      for (const entry of list) {
        const resourceType = isObject(entry) ? entry.resourceType : undefined;
        const topic = isObject(entry) ? entry.topic : undefined;
        if (typeof resourceType !== "string" || !(RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
          return error(422, `resourceType must be one of ${RESOURCE_TYPES.join(", ")}`);
        }
        const allowed = VERBS.map((verb) => (settings.topicForm === "verb" ? verb : `${resourceType}.${verb}`));
        if (typeof topic !== "string" || !allowed.includes(topic)) {
          return error(422, `topic must be one of ${allowed.join(", ")}`);
        }
        parsed.push({ resourceType, topic });
      }
      fields.subscriptions = parsed;
    }
    return fields;
  }

  function isOutcome(value: unknown): value is Outcome {
    return isObject(value) && typeof value.status === "number";
  }

  function createSubscription(state: AccountState, body: unknown): Outcome {
    const fields = subscriptionFields(body, false);
    if (isOutcome(fields)) return fields;
    const now = new Date().toISOString();
    const subscription = {
      subscriberId: state.userId,
      webhookSubscriptionId: randomUUID(),
      ...(fields as Omit<Subscription, "subscriberId" | "webhookSubscriptionId" | "dateCreated" | "dateModified">),
      dateCreated: now,
      dateModified: now,
      secret: generateSecret(),
    };
    state.subscriptions.set(subscription.webhookSubscriptionId, subscription);
    const answer: Json = { ...publicSubscription(subscription) };
    if (settings.secretField) setPath(answer, settings.secretField, subscription.secret);
    return { status: 200, body: answer };
  }

  function subscriptionById(state: AccountState, method: string, id: string, body: unknown): Outcome {
    if ((settings.unsupported as string[]).includes(method)) {
      return error(405, "Method Not Allowed", { allow: "GET" });
    }
    const subscription = state.subscriptions.get(id);
    if (!subscription) return error(404, "Webhook subscription not found");
    if (method === "GET") return { status: 200, body: publicSubscription(subscription) };
    if (method === "DELETE") {
      state.subscriptions.delete(id);
      return { status: 204 };
    }
    if (method === "PUT" || method === "PATCH") {
      const fields = subscriptionFields(body, method === "PATCH");
      if (isOutcome(fields)) return fields;
      Object.assign(subscription, fields, { dateModified: new Date().toISOString() });
      return { status: 200, body: publicSubscription(subscription) };
    }
    return error(405, "Method Not Allowed", { allow: "GET, PUT, PATCH, DELETE" });
  }

  function route(path: string): "reviews" | "subscriptions" | "subscription" | null {
    if (path === "/reviews") return "reviews";
    if (path === "/webhook_subscriptions") return "subscriptions";
    if (/^\/webhook_subscriptions\/[^/]+$/.test(path)) return "subscription";
    return null;
  }

  function answer(
    method: string,
    path: string,
    query: URLSearchParams,
    auth: ReturnType<typeof basicCredentials>,
    parsed: { ok: boolean; value: unknown },
  ): Outcome {
    const target = route(path);
    if (!target) return error(404, "Not Found");

    const failureAt = failures.findIndex(
      (f) => (!f.userId || f.userId === auth?.user.toLowerCase()) && (!f.method || f.method === method),
    );
    if (failureAt >= 0 && failures[failureAt]!.skip > 0) failures[failureAt]!.skip--;
    else if (failureAt >= 0) {
      const [failure] = failures.splice(failureAt, 1);
      return {
        status: failure!.status,
        body: failure!.body ?? { message: "Injected failure" },
        headers: failure!.headers,
      };
    }

    const state = auth ? accounts.get(auth.user.toLowerCase()) : undefined;
    if (!auth || !UUID.test(auth.user) || !state || state.apiKey !== auth.password) {
      return error(401, "Authentication credentials are missing or incorrect.", {
        "www-authenticate": 'Basic realm="Okendo"',
      });
    }
    const waitMs = takeToken(state);
    if (waitMs > 0) {
      return error(429, "Too Many Requests", { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }

    if (target === "reviews") {
      return method === "GET" ? listReviews(state, query) : error(405, "Method Not Allowed", { allow: "GET" });
    }
    if (!state.webhooks) {
      return error(403, "Webhooks are not available on your current Okendo plan.");
    }
    if (target === "subscriptions") {
      if (method === "GET") return listSubscriptions(state, query);
      if (method === "POST") {
        return parsed.ok ? createSubscription(state, parsed.value) : error(400, "Request body must be valid JSON");
      }
      return error(405, "Method Not Allowed", { allow: "GET, POST" });
    }
    if ((method === "PUT" || method === "PATCH") && !parsed.ok) return error(400, "Request body must be valid JSON");
    return subscriptionById(state, method, decodeURIComponent(path.split("/")[2]!), parsed.value);
  }

  // ─── control API (for browser tests, whose simulator lives in another process) ──────────────────────────

  function control(method: string, path: string, query: URLSearchParams, raw: string): Outcome {
    const parsed = parseBody(raw);
    const body: Json = isObject(parsed.value) ? parsed.value : {};
    const parts = path.slice(CONTROL_PREFIX.length).split("/");
    const wrap = (run: () => unknown): Outcome => {
      try {
        return { status: 200, body: run() ?? { ok: true } };
      } catch (cause) {
        return error(400, cause instanceof Error ? cause.message : String(cause));
      }
    };
    const key = `${method} ${parts.map((part, i) => (i === 1 ? ":id" : part)).join("/")}`;
    const id = parts[1] ?? "";
    switch (key) {
      case "GET health":
        return { status: 200, body: { ok: true } };
      case "POST accounts":
        return wrap(() => addAccount(body as AccountOptions));
      case "POST accounts/:id/webhooks":
        return wrap(() => simulator.setWebhooksAllowed(id, body.allowed !== false));
      case "GET accounts/:id/subscriptions":
        return wrap(() => simulator.subscriptions(id));
      case "POST accounts/:id/reviews":
        return wrap(() => addReview(id, isObject(body.review) ? body.review : {}));
      case "POST accounts/:id/deliver":
        return wrap(() => deliver(id, String(body.topic), isObject(body.resource) ? body.resource : {}));
      case "POST subscriptions/:id/disable":
        return wrap(() => simulator.disableSubscription(id));
      case "GET requests": {
        const user = query.get("user");
        return { status: 200, body: user ? requests.filter((r) => r.user === user) : requests };
      }
      case "GET deliveries":
        return { status: 200, body: deliveries };
      case "POST drop-next":
        return wrap(() => simulator.dropNextDeliveries(typeof body.n === "number" ? body.n : 1));
      case "POST fail-next":
        return wrap(() =>
          simulator.failNext(
            typeof body.n === "number" ? body.n : 1,
            { status: body.status as number, body: body.body, headers: body.headers as Record<string, string> },
            {
              userId: typeof body.userId === "string" ? body.userId : undefined,
              method: typeof body.method === "string" ? body.method : undefined,
              skip: typeof body.skip === "number" ? body.skip : undefined,
            },
          ),
        );
      case "POST settings":
        return wrap(() => simulator.configure(body as Partial<SimulatorSettings>));
      case "POST reset":
        return wrap(() => simulator.reset());
      default:
        return error(404, "Not Found");
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? "/", "http://simulator");
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      send(res, control(method, url.pathname, url.searchParams, raw));
      return;
    }
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      send(res, error(404, "Not Found"));
      return;
    }
    const path = url.pathname.slice(basePath.length) || "/";
    const auth = basicCredentials(req.headers.authorization);
    const parsed = parseBody(raw);
    const outcome = answer(method, path, url.searchParams, auth, parsed);
    requests.push({
      id: nextRequestId++,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      user: auth?.user ?? null,
      body: parsed.value,
      status: outcome.status,
      receivedAt,
    });
    send(res, outcome);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      send(res, error(500, `Simulator error: ${cause instanceof Error ? cause.message : String(cause)}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const simulator: OkendoSimulator = {
    url: `${origin}${basePath}`,
    origin,
    port,
    requests,
    deliveries,
    addAccount,
    setWebhooksAllowed(userId, allowed) {
      account(userId).webhooks = allowed;
    },
    subscriptions: (userId) => [...account(userId).subscriptions.values()].map(publicSubscription),
    reviews: (userId) => account(userId).reviews.map(publicReview),
    disableSubscription(subscriptionId) {
      const found = findSubscription(subscriptionId);
      if (!found) throw new Error(`okendo-simulator: no subscription ${subscriptionId}`);
      found.subscription.isEnabled = false;
      found.subscription.dateModified = new Date().toISOString();
    },
    dropNextDeliveries(n = 1) {
      dropNext += n;
    },
    addReview,
    deliver,
    failNext(n, response, opts = {}) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError("failNext: n must be a positive integer");
      if (!Number.isInteger(response.status) || response.status < 400 || response.status > 599) {
        throw new RangeError("failNext: status must be an HTTP error status");
      }
      const userId = opts.userId?.toLowerCase();
      const method = opts.method?.toUpperCase();
      for (let i = 0; i < n; i++) failures.push({ ...response, userId, method, skip: i === 0 ? (opts.skip ?? 0) : 0 });
    },
    configure(changes) {
      settings = { ...settings, ...changes };
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    reset() {
      accounts.clear();
      requests.length = 0; // in place: callers may hold the live arrays
      deliveries.length = 0;
      failures.length = 0;
      dropNext = 0;
      nextRequestId = 1;
      settings = { ...DEFAULT_SETTINGS, ...options.settings };
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return simulator;
}

// CLI entry point (manual runs and the demo).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" } } });
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`okendo-simulator: invalid --port ${values.port}`);
    process.exit(2);
  }
  const simulator = await startOkendoSimulator({ port, host: values.host });
  console.log(`okendo-simulator listening on ${simulator.url}`);
  const shutdown = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
