// Okendo's Merchant REST API (docs.okendo.io/merchant-rest-api), as this app uses it: check credentials, read
// reviews a page at a time, and manage webhook subscriptions. Server-only: it holds the merchant's API key.
//
// Every answer is classified into what a merchant can act on (wrong credentials, a plan without webhooks, rate
// limited, Okendo unreachable, …) with a sentence that says so. Every request waits for a slot from the shared
// limiter (rate-limit.server.ts); a 429 is waited out as Okendo's Retry-After says, within a bound. Redirects
// are never followed and every URL, including Okendo's `nextUrl`, stays under the base URL given here.
import { nextPageUrl } from "./api-base.server";
import { okendoAccountKey, type OkendoRateLimiter } from "./rate-limit.server";
import { findWebhookSecret } from "./webhook-secret.server";

export const OKENDO_WEBHOOK_VERSION = "2025-02-01";

const MAX_ANSWER_BYTES = 4 * 1024 * 1024; // 100 reviews with long bodies and media stay far below
const MAX_SUBSCRIPTION_PAGES = 20;
const MAX_RATE_LIMIT_RETRIES = 3;
// Retry-After is Okendo's to set; a missing or absurd value must neither hammer it nor park us for a day.
const RETRY_AFTER = { fallbackMs: 2_000, minMs: 1_000, maxMs: 3_600_000 };

export interface OkendoCredentials {
  /** The Okendo User ID: a UUID, Okendo's subscriberId. */
  userId: string;
  /** 32 characters. */
  apiKey: string;
}

export type OkendoProblem =
  | { kind: "unauthorized" }
  | { kind: "no-webhooks-plan" }
  | { kind: "forbidden" }
  | { kind: "rate-limited"; retryAfterMs: number }
  | { kind: "unreachable"; detail: string; status?: number }
  | { kind: "not-found" }
  | { kind: "not-supported" }
  | { kind: "rejected"; status: number; detail: string | null }
  | { kind: "unexpected"; detail: string }
  // A subscription was created but its answer held no usable secret; it must be deleted again.
  | { kind: "no-secret"; reason: "none" | "ambiguous"; subscriptionId: string | null };

export type OkendoAnswer<T> = { ok: true; value: T } | { ok: false; problem: OkendoProblem; message: string };

export interface OkendoWebhookSubscription {
  id: string;
  endpointUrl: string;
  isEnabled: boolean;
  /** Normalised "<resourceType>.<verb>", whichever form Okendo wrote the topic in. */
  topics: string[];
}

/** A review as Okendo returns it; only the id is relied on here, the rest is the caller's to read. */
export type OkendoReview = Record<string, unknown>;

export interface ReviewsPage {
  reviews: OkendoReview[];
  /** Okendo's link to the next page, as given (store it to resume), or null on the last page. */
  nextUrl: string | null;
}

export interface ReviewsQuery {
  limit?: number;
  orderBy?: "date desc" | "date asc";
  status?: "approved" | "pending" | "rejected";
}

export interface MerchantApiOptions {
  /** An allowed base URL (api-base.server.ts), e.g. https://api.okendo.io/enterprise. */
  baseUrl: string;
  limiter: OkendoRateLimiter;
  /** Per request. */
  timeoutMs?: number;
  /** The longest a call waits for a rate-limit slot or a Retry-After before answering "rate-limited". */
  maxWaitMs?: number;
}

export interface OkendoMerchantApi {
  checkCredentials(): Promise<OkendoAnswer<void>>;
  /** One page of reviews: the first for a query, or the page a stored `nextUrl` points to. */
  reviewsPage(from?: ReviewsQuery | { nextUrl: string }): Promise<OkendoAnswer<ReviewsPage>>;
  listSubscriptions(): Promise<OkendoAnswer<OkendoWebhookSubscription[]>>;
  createSubscription(
    input: SubscriptionInput,
  ): Promise<OkendoAnswer<{ subscription: OkendoWebhookSubscription; secret: string }>>;
  /** Sets the URL, topic and enabled state. "not-supported" when Okendo has no update (the caller recreates). */
  updateSubscription(id: string, input: SubscriptionInput & { isEnabled: boolean }): Promise<OkendoAnswer<void>>;
  /** A subscription that is already gone counts as deleted. */
  deleteSubscription(id: string): Promise<OkendoAnswer<void>>;
}

export interface SubscriptionInput {
  endpointUrl: string;
  resourceType: string;
  verb: string;
}

export function explainOkendoProblem(problem: OkendoProblem): string {
  switch (problem.kind) {
    case "unauthorized":
      return "Okendo did not accept this Okendo User ID and API Key. Copy both again from Okendo › Settings › Integrations › Credentials.";
    case "no-webhooks-plan":
      return (
        "Okendo refused to manage webhooks for this account: Okendo's webhooks need its Advanced plan or above. " +
        "Without them you can still forward reviews and loyalty events through Shopify Flow: start a workflow with " +
        "one of Okendo's triggers and add the “Send Okendo event to Braze” action."
      );
    case "forbidden":
      return "Okendo refused access to its API for these credentials. Check that the API key is still active in Okendo › Settings › Integrations › Credentials.";
    case "rate-limited":
      return `Okendo is limiting requests for this account right now (it allows about 2 a second). Try again in ${Math.max(1, Math.ceil(problem.retryAfterMs / 1000))} seconds.`;
    case "unreachable":
      return problem.status
        ? `Okendo's API is having trouble (it answered HTTP ${problem.status}). Try again in a minute.`
        : `Okendo's API could not be reached (${problem.detail}). Try again in a minute.`;
    case "not-found":
      return "Okendo answered that this no longer exists.";
    case "not-supported":
      return "Okendo's API does not offer this change.";
    case "rejected":
      return `Okendo refused the request (HTTP ${problem.status})${problem.detail ? `: ${problem.detail}` : "."}`;
    case "unexpected":
      return `Okendo gave an answer the app cannot use (${problem.detail}).`;
    case "no-secret":
      return problem.reason === "none"
        ? "Okendo created the webhook subscription but its answer held no webhook secret (whsec_…), so its deliveries could not be verified."
        : "Okendo's answer held more than one webhook secret and none is marked as the subscription's, so the app cannot tell which one signs its deliveries.";
  }
}

const fail = <T>(problem: OkendoProblem): OkendoAnswer<T> => ({
  ok: false,
  problem,
  message: explainOkendoProblem(problem),
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Retry-After in seconds or as an HTTP date, clamped; the fallback when missing or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  let ms = RETRY_AFTER.fallbackMs;
  const value = header?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else if (/[a-z]/i.test(value) && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - now; // an HTTP date
  if (!Number.isFinite(ms)) ms = RETRY_AFTER.maxMs;
  return Math.min(RETRY_AFTER.maxMs, Math.max(RETRY_AFTER.minMs, ms));
}

// Okendo's error bodies are not published: take a short message from the usual places, never the whole body.
function messageOf(body: unknown): string | null {
  const candidates = isObject(body) ? [body.message, body.error, body.detail, body.errors] : [body];
  for (const candidate of candidates) {
    const text =
      typeof candidate === "string" ? candidate : Array.isArray(candidate) ? candidate.map(String).join("; ") : null;
    if (text && text.trim()) return text.trim().replace(/\s+/g, " ").slice(0, 200);
  }
  return null;
}

function readSubscription(value: unknown): OkendoWebhookSubscription | null {
  if (!isObject(value)) return null;
  const id = value.webhookSubscriptionId ?? value.id;
  if (typeof id !== "string" || id === "" || typeof value.endpointUrl !== "string") return null;
  const topics = Array.isArray(value.subscriptions)
    ? value.subscriptions.flatMap((s) => {
        if (!isObject(s) || typeof s.resourceType !== "string" || typeof s.topic !== "string") return [];
        return [s.topic.includes(".") ? s.topic : `${s.resourceType}.${s.topic}`];
      })
    : [];
  return { id, endpointUrl: value.endpointUrl, isEnabled: value.isEnabled !== false, topics };
}

async function readBounded(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Reply {
  status: number;
  body: unknown;
}

type TopicForm = "verb" | "qualified";

export function okendoMerchantApi(credentials: OkendoCredentials, options: MerchantApiOptions): OkendoMerchantApi {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  const limiterKey = okendoAccountKey(credentials.userId);
  const authorization = `Basic ${Buffer.from(`${credentials.userId}:${credentials.apiKey}`).toString("base64")}`;
  // Okendo's published example writes a subscription's topic as "create"; its topics page names them
  // "review.create". The published form is tried first; a refusal of it switches this client to the other.
  let topicForm: TopicForm = "verb";

  async function request(method: string, url: string, body?: unknown): Promise<OkendoAnswer<Reply>> {
    for (let attempt = 0; ; attempt++) {
      const slot = await options.limiter.reserve(limiterKey, maxWaitMs);
      if (!slot.ok) return fail({ kind: "rate-limited", retryAfterMs: slot.retryAfterMs });
      if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));

      let response: Response;
      let text: string | null;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: "manual", // a redirect must not carry the credentials to another address
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await readBounded(response);
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        const code = (cause as { code?: unknown } | null)?.code;
        const detail = timedOut
          ? `no answer within ${Math.round(timeoutMs / 1000)} seconds`
          : typeof code === "string"
            ? code
            : cause instanceof Error
              ? cause.message
              : "network error";
        return fail({ kind: "unreachable", detail });
      }

      if (response.status === 429) {
        const waitMs = retryAfterMs(response.headers.get("retry-after"));
        // Everyone using this account waits, in this process and the others.
        await options.limiter.holdOff(limiterKey, Date.now() + waitMs);
        if (attempt < MAX_RATE_LIMIT_RETRIES && waitMs <= maxWaitMs) continue;
        return fail({ kind: "rate-limited", retryAfterMs: waitMs });
      }
      if (text === null) return fail({ kind: "unexpected", detail: "the answer is larger than 4 MB" });
      let parsed: unknown = null;
      if (text.trim() !== "") {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { ok: true, value: { status: response.status, body: parsed } };
    }
  }

  /** Anything but 2xx, as a problem; `webhooks` says a 403 means the plan lacks webhooks. */
  function problemOf(reply: Reply, webhooks: boolean): OkendoProblem {
    const { status, body } = reply;
    if (status >= 300 && status < 400) {
      return { kind: "unexpected", detail: `a redirect (HTTP ${status}), which the app does not follow` };
    }
    if (status === 401) return { kind: "unauthorized" };
    if (status === 403) return webhooks ? { kind: "no-webhooks-plan" } : { kind: "forbidden" };
    if (status === 404) return { kind: "not-found" };
    if (status === 405) return { kind: "not-supported" };
    if (status >= 500) return { kind: "unreachable", detail: `HTTP ${status}`, status };
    return { kind: "rejected", status, detail: messageOf(body) };
  }

  const ok2xx = (reply: Reply) => reply.status >= 200 && reply.status < 300;

  async function call(method: string, url: string, webhooks: boolean, body?: unknown): Promise<OkendoAnswer<Reply>> {
    const answer = await request(method, url, body);
    if (!answer.ok || ok2xx(answer.value)) return answer;
    return fail(problemOf(answer.value, webhooks));
  }

  function resolve(nextUrl: string): string | null {
    return nextPageUrl(base, nextUrl);
  }

  const subscriptionBody = (input: SubscriptionInput, isEnabled: boolean, form: TopicForm) => ({
    endpointUrl: input.endpointUrl,
    isEnabled,
    subscriptions: [
      { resourceType: input.resourceType, topic: form === "verb" ? input.verb : `${input.resourceType}.${input.verb}` },
    ],
    version: OKENDO_WEBHOOK_VERSION,
  });

  /** Sends a subscription body, switching to the other topic form once if Okendo refuses this one. */
  async function sendSubscription(method: string, url: string, input: SubscriptionInput, isEnabled: boolean) {
    const first = await call(method, url, true, subscriptionBody(input, isEnabled, topicForm));
    const refused = !first.ok && first.problem.kind === "rejected" && [400, 422].includes(first.problem.status);
    if (!refused) return first;
    const other: TopicForm = topicForm === "verb" ? "qualified" : "verb";
    const second = await call(method, url, true, subscriptionBody(input, isEnabled, other));
    if (second.ok) topicForm = other;
    return second.ok ? second : first; // Okendo's complaint about the published form is the more useful one
  }

  const subscriptionUrl = (id: string) => `${base}/webhook_subscriptions/${encodeURIComponent(id)}`;

  return {
    async checkCredentials() {
      const answer = await call("GET", `${base}/reviews?limit=1`, false);
      return answer.ok ? { ok: true, value: undefined } : answer;
    },

    async reviewsPage(from = {}) {
      let url: string;
      if ("nextUrl" in from) {
        const resolved = resolve(from.nextUrl);
        if (!resolved) return fail({ kind: "unexpected", detail: "a next-page link outside Okendo's API" });
        url = resolved;
      } else {
        const query = new URLSearchParams({
          limit: String(from.limit ?? 100),
          orderBy: from.orderBy ?? "date desc",
          status: from.status ?? "approved",
        });
        url = `${base}/reviews?${query}`;
      }
      const answer = await call("GET", url, false);
      if (!answer.ok) return answer;
      const body = answer.value.body;
      if (!isObject(body) || !Array.isArray(body.reviews)) {
        return fail({ kind: "unexpected", detail: "no list of reviews" });
      }
      const nextUrl = typeof body.nextUrl === "string" && body.nextUrl !== "" ? body.nextUrl : null;
      if (nextUrl !== null && !resolve(nextUrl)) {
        return fail({ kind: "unexpected", detail: "a next-page link outside Okendo's API" });
      }
      return { ok: true, value: { reviews: body.reviews.filter(isObject), nextUrl } };
    },

    async listSubscriptions() {
      const subscriptions: OkendoWebhookSubscription[] = [];
      let url: string | null = `${base}/webhook_subscriptions?limit=100`;
      for (let page = 0; url; page++) {
        if (page === MAX_SUBSCRIPTION_PAGES) {
          return fail({ kind: "unexpected", detail: `more than ${MAX_SUBSCRIPTION_PAGES} pages of subscriptions` });
        }
        const answer: OkendoAnswer<Reply> = await call("GET", url, true);
        if (!answer.ok) return answer;
        const body = answer.value.body;
        if (!isObject(body) || !Array.isArray(body.webhookSubscriptions)) {
          return fail({ kind: "unexpected", detail: "no list of webhook subscriptions" });
        }
        for (const item of body.webhookSubscriptions) {
          const subscription = readSubscription(item);
          if (subscription) subscriptions.push(subscription);
        }
        url = null;
        if (typeof body.nextUrl === "string" && body.nextUrl !== "") {
          url = resolve(body.nextUrl);
          if (!url) return fail({ kind: "unexpected", detail: "a next-page link outside Okendo's API" });
        }
      }
      return { ok: true, value: subscriptions };
    },

    async createSubscription(input) {
      const answer = await sendSubscription("POST", `${base}/webhook_subscriptions`, input, true);
      if (!answer.ok) return answer;
      const body = answer.value.body;
      const subscription = readSubscription(body);
      const lookup = findWebhookSecret(body);
      if (!lookup.ok) {
        return fail({ kind: "no-secret", reason: lookup.reason, subscriptionId: subscription?.id ?? null });
      }
      if (!subscription)
        return fail({ kind: "unexpected", detail: "no webhookSubscriptionId in the new subscription" });
      return { ok: true, value: { subscription, secret: lookup.secret } };
    },

    async updateSubscription(id, input) {
      // PUT replaces the subscription, as Okendo's REST style suggests; PATCH is the other reasonable guess.
      const put = await sendSubscription("PUT", subscriptionUrl(id), input, input.isEnabled);
      if (put.ok || put.problem.kind !== "not-supported") return put.ok ? { ok: true, value: undefined } : put;
      const patch = await call("PATCH", subscriptionUrl(id), true, {
        endpointUrl: input.endpointUrl,
        isEnabled: input.isEnabled,
      });
      return patch.ok ? { ok: true, value: undefined } : patch;
    },

    async deleteSubscription(id) {
      const answer = await call("DELETE", subscriptionUrl(id), true);
      if (answer.ok || answer.problem.kind === "not-found") return { ok: true, value: undefined };
      return answer;
    },
  };
}
