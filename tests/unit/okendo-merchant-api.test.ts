// The Okendo Merchant API client against the simulator (and a few bare servers for what the simulator cannot do):
// each answer becomes something a merchant can act on, rate limits are waited out within bounds, pagination
// resumes from a stored nextUrl, and the credentials never leave Okendo's API.
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import {
  okendoMerchantApi,
  retryAfterMs,
  type MerchantApiOptions,
  type OkendoAnswer,
} from "../../app/okendo/merchant-api.server.ts";
import { nextPageUrl, parseExtraApiUrls, allowedApiBases, defaultApiBase } from "../../app/okendo/api-base.server.ts";
import { startOkendoSimulator, type Account, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { freePort } from "../support/app-server.ts";
import { limiterOn, migratedDatabase, type MigratedDatabase } from "../support/okendo-api.ts";

let sim: OkendoSimulator;
let database: MigratedDatabase;
let account: Account;

beforeAll(async () => {
  sim = await startOkendoSimulator({ rateLimit: null });
  database = await migratedDatabase();
}, 60_000);
afterEach(() => sim.reset());
afterAll(async () => {
  await sim.close();
  await database.close();
});

function api(credentials: Account = account, options: Partial<MerchantApiOptions> = {}) {
  return okendoMerchantApi(credentials, {
    baseUrl: sim.url,
    limiter: limiterOn(database.db, 1),
    ...options,
  });
}

function problemOf<T>(answer: OkendoAnswer<T>) {
  if (answer.ok) throw new Error("expected a problem");
  return answer;
}

const input = (topic = "review.create") => {
  const [resourceType, verb] = topic.split(".") as [string, string];
  return { endpointUrl: `https://app.test/webhooks/okendo/abc/${topic}`, resourceType, verb };
};

describe("credentials", () => {
  it("accepts the right ones with one small request", async () => {
    account = sim.addAccount({ reviews: 5 });
    expect(await api().checkCredentials()).toEqual({ ok: true, value: undefined });
    expect(sim.requests).toEqual([expect.objectContaining({ method: "GET", path: "/reviews", query: { limit: "1" } })]);
  });

  it("says where to find the right ones when Okendo answers 401, and never repeats the key", async () => {
    account = sim.addAccount();
    const wrongKey = { userId: account.userId, apiKey: "A".repeat(32) };
    const answer = problemOf(await api(wrongKey).checkCredentials());
    expect(answer.problem).toEqual({ kind: "unauthorized" });
    expect(answer.message).toMatch(/Okendo User ID and API Key.*Settings › Integrations › Credentials/);
    expect(answer.message).not.toContain(wrongKey.apiKey);
  });
});

describe("reviews", () => {
  it("reads every approved review a page at a time, and resumes from a stored nextUrl with a new client", async () => {
    account = sim.addAccount({ reviews: 230 });
    const first = await api().reviewsPage({ limit: 100 });
    if (!first.ok) throw new Error(first.message);
    expect(first.value.reviews).toHaveLength(100);
    expect(first.value.nextUrl).toMatch(/^\/reviews\?/);

    const stored = JSON.parse(JSON.stringify({ cursor: first.value.nextUrl })) as { cursor: string };
    const seen = [...first.value.reviews];
    let cursor: string | null = stored.cursor;
    while (cursor) {
      const page = await api().reviewsPage({ nextUrl: cursor });
      if (!page.ok) throw new Error(page.message);
      seen.push(...page.value.reviews);
      cursor = page.value.nextUrl;
    }
    const approved = sim.reviews(account.userId).length - Math.floor(230 / 11);
    expect(seen).toHaveLength(approved);
    expect(new Set(seen.map((r) => r.reviewId)).size).toBe(approved);
  });

  it("passes order and status through", async () => {
    account = sim.addAccount({ reviews: 30 });
    const page = await api().reviewsPage({ limit: 5, orderBy: "date asc", status: "pending" });
    if (!page.ok) throw new Error(page.message);
    expect(sim.requests[0]!.query).toEqual({ limit: "5", orderBy: "date asc", status: "pending" });
    expect(page.value.reviews).toHaveLength(2);
  });

  it("refuses a next-page link that leaves Okendo's API, without sending anything", async () => {
    account = sim.addAccount();
    for (const nextUrl of [
      "https://evil.example/enterprise/reviews",
      "//evil.example/reviews",
      `${sim.origin}/other`,
    ]) {
      const answer = problemOf(await api().reviewsPage({ nextUrl }));
      expect(answer.problem).toEqual({ kind: "unexpected", detail: "a next-page link outside Okendo's API" });
    }
    expect(sim.requests).toEqual([]);
  });
});

describe("base URLs and next-page links", () => {
  const base = "https://api.okendo.io/enterprise";

  it("appends a relative nextUrl to the base path, as Okendo's docs say, and keeps absolute ones under the base", () => {
    expect(nextPageUrl(base, "/reviews?lastEvaluated=%7B%7D")).toBe(`${base}/reviews?lastEvaluated=%7B%7D`);
    expect(nextPageUrl(base, "reviews?limit=5")).toBe(`${base}/reviews?limit=5`);
    expect(nextPageUrl(base, "/enterprise/reviews?limit=5")).toBe(`${base}/reviews?limit=5`);
    expect(nextPageUrl(base, `${base}/reviews?limit=5`)).toBe(`${base}/reviews?limit=5`);
    expect(nextPageUrl(base, "https://api.okendo.io.evil.example/enterprise/reviews")).toBeNull();
    expect(nextPageUrl(base, "https://user:pw@api.okendo.io/enterprise/reviews")).toBeNull();
    expect(nextPageUrl(base, "http://api.okendo.io/enterprise/reviews")).toBeNull();
    expect(nextPageUrl(base, "/../admin")).toBeNull();
    expect(nextPageUrl(base, "")).toBeNull();
    expect(nextPageUrl(base, `/reviews?${"x".repeat(5000)}`)).toBeNull();
  });

  it("reads OKENDO_EXTRA_API_URLS as an allowlist of base URLs, refusing what is not one", () => {
    expect(parseExtraApiUrls(" http://127.0.0.1:4020/enterprise/ , ,http://127.0.0.1:4020/enterprise")).toEqual([
      "http://127.0.0.1:4020/enterprise",
    ]);
    expect(() => parseExtraApiUrls("127.0.0.1:4020")).toThrow(/OKENDO_EXTRA_API_URLS/);
    expect(() => parseExtraApiUrls("http://u:p@127.0.0.1:4020")).toThrow(/OKENDO_EXTRA_API_URLS/);
    expect(() => parseExtraApiUrls("ftp://127.0.0.1")).toThrow(/OKENDO_EXTRA_API_URLS/);
    expect(allowedApiBases({})).toEqual([base]);
    expect(defaultApiBase({})).toBe(base);
    const env = { OKENDO_EXTRA_API_URLS: "http://127.0.0.1:4020/enterprise" };
    expect(allowedApiBases(env)).toEqual([base, "http://127.0.0.1:4020/enterprise"]);
    expect(defaultApiBase(env)).toBe("http://127.0.0.1:4020/enterprise");
  });
});

describe("a plan without webhooks", () => {
  it("is named as such, with the Advanced plan and the Shopify Flow path", async () => {
    account = sim.addAccount({ webhooks: false });
    expect((await api().checkCredentials()).ok).toBe(true);
    const answers: OkendoAnswer<unknown>[] = [await api().listSubscriptions(), await api().createSubscription(input())];
    for (const answer of answers) {
      const problem = problemOf(answer);
      expect(problem.problem).toEqual({ kind: "no-webhooks-plan" });
      expect(problem.message).toMatch(/Advanced plan or above/);
      expect(problem.message).toMatch(/Shopify Flow.*Send Okendo event to Braze/);
    }
  });
});

describe("webhook subscriptions", () => {
  it("creates one with the published body and returns the secret from the answer", async () => {
    account = sim.addAccount();
    const created = await api().createSubscription(input("loyalty_customer.update"));
    if (!created.ok) throw new Error(created.message);
    expect(sim.requests[0]!.body).toEqual({
      endpointUrl: "https://app.test/webhooks/okendo/abc/loyalty_customer.update",
      isEnabled: true,
      subscriptions: [{ resourceType: "loyalty_customer", topic: "update" }],
      version: "2025-02-01",
    });
    expect(created.value.subscription).toEqual({
      id: sim.subscriptions(account.userId)[0]!.webhookSubscriptionId,
      endpointUrl: "https://app.test/webhooks/okendo/abc/loyalty_customer.update",
      isEnabled: true,
      topics: ["loyalty_customer.update"],
    });
    expect(() => new Webhook(created.value.secret)).not.toThrow();
  });

  it.each(["secret", "signingSecret", "webhook_secret", "data.webhook.secret", "endpoint.key"])(
    "finds the secret under %s",
    async (field) => {
      account = sim.addAccount();
      sim.configure({ secretField: field });
      const created = await api().createSubscription(input());
      expect(created.ok && created.value.secret).toMatch(/^whsec_/);
    },
  );

  it("fails with a clear message, naming the subscription to remove, when the answer has no secret", async () => {
    account = sim.addAccount();
    sim.configure({ secretField: null });
    const answer = problemOf(await api().createSubscription(input()));
    expect(answer.problem).toEqual({
      kind: "no-secret",
      reason: "none",
      subscriptionId: sim.subscriptions(account.userId)[0]!.webhookSubscriptionId,
    });
    expect(answer.message).toMatch(/no webhook secret \(whsec_…\)/);
  });

  it("switches to the topic form Okendo accepts when it refuses the published one", async () => {
    account = sim.addAccount();
    sim.configure({ topicForm: "qualified" });
    const client = api();
    expect((await client.createSubscription(input("review.create"))).ok).toBe(true);
    expect((await client.createSubscription(input("review.update"))).ok).toBe(true);
    expect(sim.requests.map((r) => [r.status, (r.body as any).subscriptions[0].topic])).toEqual([
      [422, "create"],
      [200, "review.create"],
      [200, "review.update"],
    ]);
    const listed = await client.listSubscriptions();
    expect(listed.ok && listed.value.map((s) => s.topics[0]).sort()).toEqual(["review.create", "review.update"]);
  });

  it("lists every subscription across pages", async () => {
    account = sim.addAccount();
    const client = api();
    for (let i = 0; i < 105; i++) await client.createSubscription({ ...input(), endpointUrl: `https://app.test/${i}` });
    const listed = await client.listSubscriptions();
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.value).toHaveLength(105);
    expect(sim.requests.filter((r) => r.method === "GET").length).toBe(2);
  });

  it("re-enables with PUT, falls back to PATCH, and says when neither exists", async () => {
    account = sim.addAccount();
    const client = api();
    const created = await client.createSubscription(input());
    if (!created.ok) throw new Error(created.message);
    const id = created.value.subscription.id;

    sim.disableSubscription(id);
    expect((await client.updateSubscription(id, { ...input(), isEnabled: true })).ok).toBe(true);
    expect(sim.subscriptions(account.userId)[0]!.isEnabled).toBe(true);

    sim.configure({ unsupported: ["PUT"] });
    sim.disableSubscription(id);
    expect((await client.updateSubscription(id, { ...input(), isEnabled: true })).ok).toBe(true);
    expect(sim.requests.slice(-2).map((r) => [r.method, r.status])).toEqual([
      ["PUT", 405],
      ["PATCH", 200],
    ]);

    sim.configure({ unsupported: ["PUT", "PATCH"] });
    const refused = problemOf(await client.updateSubscription(id, { ...input(), isEnabled: true }));
    expect(refused.problem).toEqual({ kind: "not-supported" });
    const gone = problemOf(await client.updateSubscription("no-such-id", { ...input(), isEnabled: true }));
    expect(gone.problem).toEqual({ kind: "not-supported" });
  });

  it("deletes, treats an already deleted subscription as deleted, and reports a missing DELETE", async () => {
    account = sim.addAccount();
    const client = api();
    const created = await client.createSubscription(input());
    if (!created.ok) throw new Error(created.message);
    expect((await client.deleteSubscription(created.value.subscription.id)).ok).toBe(true);
    expect((await client.deleteSubscription(created.value.subscription.id)).ok).toBe(true);
    expect(sim.subscriptions(account.userId)).toEqual([]);

    sim.configure({ unsupported: ["DELETE"] });
    const again = await client.createSubscription(input());
    if (!again.ok) throw new Error(again.message);
    expect(problemOf(await client.deleteSubscription(again.value.subscription.id)).problem).toEqual({
      kind: "not-supported",
    });
  });
});

describe("rate limits", () => {
  it("waits as Retry-After says, then succeeds", async () => {
    account = sim.addAccount();
    sim.failNext(1, { status: 429, headers: { "retry-after": "1" } });
    const started = Date.now();
    expect((await api().checkCredentials()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("holds other callers of the same account off until then, across clients", async () => {
    account = sim.addAccount();
    sim.failNext(1, { status: 429, headers: { "retry-after": "2" } });
    const first = api(account, { maxWaitMs: 0 });
    const answer = problemOf(await first.checkCredentials());
    expect(answer.problem.kind).toBe("rate-limited");
    expect(answer.message).toMatch(/about 2 a second\). Try again in 2 seconds/);
    // Another client (another shop on this Okendo account, or another process) does not send before then.
    const other = problemOf(await api(account, { maxWaitMs: 500 }).checkCredentials());
    expect(other.problem.kind).toBe("rate-limited");
    expect(sim.requests).toHaveLength(1);
    // A different Okendo account is not held off.
    const otherAccount = sim.addAccount();
    expect((await api(otherAccount, { maxWaitMs: 0 }).checkCredentials()).ok).toBe(true);
  });

  it("clamps Retry-After to between 1 second and 1 hour, with a default when it is missing or unreadable", () => {
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3_000);
    expect(retryAfterMs("0.2", now)).toBe(1_000);
    expect(retryAfterMs("1e300", now)).toBe(2_000); // not a number of seconds Okendo would send: the default
    expect(retryAfterMs("99999999", now)).toBe(3_600_000);
    expect(retryAfterMs("-5", now)).toBe(2_000);
    expect(retryAfterMs("Thu, 01 Jan 1970 00:00:00 GMT", now)).toBe(1_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBe(2_000);
    expect(retryAfterMs("soon", now)).toBe(2_000);
  });

  it("stays under Okendo's real limit at the default pace: no 429 over a run longer than the burst", async () => {
    const limited = await startOkendoSimulator({ rateLimit: { perSecond: 2, burst: 4 } });
    try {
      account = limited.addAccount({ reviews: 3 });
      const client = okendoMerchantApi(account, { baseUrl: limited.url, limiter: limiterOn(database.db) });
      for (let i = 0; i < 7; i++) expect((await client.checkCredentials()).ok).toBe(true);
      expect(limited.requests.map((r) => r.status)).toEqual(Array(7).fill(200));
    } finally {
      await limited.close();
    }
  });

  it("recovers when something else spent the allowance: the 429s are waited out", async () => {
    const limited = await startOkendoSimulator({ rateLimit: { perSecond: 2, burst: 2 } });
    try {
      account = limited.addAccount();
      // Ten times faster than Okendo allows, as a second app on the same account might be.
      const client = okendoMerchantApi(account, { baseUrl: limited.url, limiter: limiterOn(database.db, 50) });
      const answers = await Promise.all(Array.from({ length: 4 }, () => client.checkCredentials()));
      expect(answers.every((a) => a.ok)).toBe(true);
      expect(limited.requests.some((r) => r.status === 429)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe("when Okendo cannot be used", () => {
  let server: Server;
  let serverUrl: string;
  let handler: (req: any, res: any) => void = () => {};

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/enterprise`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const bare = (options: Partial<MerchantApiOptions> = {}) =>
    okendoMerchantApi(
      { userId: crypto.randomUUID(), apiKey: "K".repeat(32) },
      { baseUrl: serverUrl, limiter: limiterOn(database.db, 1), ...options },
    );

  it("says Okendo is unreachable when nothing listens, when it answers 5xx, and when it does not answer in time", async () => {
    const closed = okendoMerchantApi(
      { userId: crypto.randomUUID(), apiKey: "K".repeat(32) },
      { baseUrl: `http://127.0.0.1:${await freePort()}/enterprise`, limiter: limiterOn(database.db, 1) },
    );
    const refused = problemOf(await closed.checkCredentials());
    expect(refused.problem).toEqual({ kind: "unreachable", detail: "ECONNREFUSED" });
    expect(refused.message).toBe("Okendo's API could not be reached (ECONNREFUSED). Try again in a minute.");

    account = sim.addAccount();
    sim.failNext(1, { status: 503 });
    const troubled = problemOf(await api().listSubscriptions());
    expect(troubled.problem).toEqual({ kind: "unreachable", detail: "HTTP 503", status: 503 });
    expect(troubled.message).toBe("Okendo's API is having trouble (it answered HTTP 503). Try again in a minute.");

    handler = () => {}; // never answers
    const slow = problemOf(await bare({ timeoutMs: 300 }).checkCredentials());
    expect(slow.problem.kind).toBe("unreachable");
    expect(slow.message).toMatch(/no answer within/);
  });

  it("does not follow a redirect, so the credentials go nowhere else", async () => {
    let followed = false;
    const elsewhere = createServer((_req, res) => {
      followed = true;
      res.end("{}");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    handler = (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}/steal` });
      res.end();
    };
    const answer = problemOf(await bare().checkCredentials());
    expect(answer.problem).toEqual({
      kind: "unexpected",
      detail: "a redirect (HTTP 302), which the app does not follow",
    });
    expect(followed).toBe(false);
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  });

  it("reads Okendo's published list example, and does not follow its placeholder nextUrl off Okendo's API", async () => {
    // docs.okendo.io/merchant-rest-api/endpoints/webhooks, "List Webhook Subscriptions", 200 example, verbatim.
    const published = {
      webhookSubscriptions: [
        {
          subscriberId: "123e4567-e89b-12d3-a456-426614174000",
          webhookSubscriptionId: "123e4567-e89b-12d3-a456-426614174000",
          endpointUrl: "https://example.com",
          version: "2025-02-01",
          subscriptions: [{ resourceType: "review", topic: "create" }],
          isEnabled: true,
          dateCreated: "2025-09-12T16:31:23.343Z",
          dateModified: "2025-09-12T16:31:23.343Z",
        },
      ],
      nextUrl: "https://example.com",
    };
    const paths: string[] = [];
    handler = (req, res) => {
      paths.push(req.url);
      const body = req.url.includes("lastPage") ? { ...published, nextUrl: undefined } : published;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    // The credentials would go to example.com: refused, with nothing sent there.
    expect(problemOf(await bare().listSubscriptions()).problem).toEqual({
      kind: "unexpected",
      detail: "a next-page link outside Okendo's API",
    });
    // The same page with a relative link, as the docs' prose describes it, is followed.
    published.nextUrl = "/webhook_subscriptions?lastPage=1";
    const listed = await bare().listSubscriptions();
    expect(listed).toEqual({
      ok: true,
      value: [
        {
          id: "123e4567-e89b-12d3-a456-426614174000",
          endpointUrl: "https://example.com",
          isEnabled: true,
          topics: ["review.create"],
        },
        {
          id: "123e4567-e89b-12d3-a456-426614174000",
          endpointUrl: "https://example.com",
          isEnabled: true,
          topics: ["review.create"],
        },
      ],
    });
    expect(paths.slice(-2)).toEqual([
      "/enterprise/webhook_subscriptions?limit=100",
      "/enterprise/webhook_subscriptions?lastPage=1",
    ]);
  });

  it("refuses answers that are not Okendo's shape or are too large", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
    expect(problemOf(await bare().reviewsPage()).problem).toEqual({ kind: "unexpected", detail: "no list of reviews" });

    const big = JSON.stringify({ reviews: [{ body: "x".repeat(5 * 1024 * 1024) }] });
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(big);
    expect(problemOf(await bare().reviewsPage()).problem).toEqual({
      kind: "unexpected",
      detail: "the answer is larger than 4 MB",
    });

    handler = (_req, res) => res.writeHead(422).end(JSON.stringify({ message: "endpointUrl must be https" }));
    const rejected = problemOf(await bare().createSubscription(input()));
    expect(rejected.problem).toEqual({ kind: "rejected", status: 422, detail: "endpointUrl must be https" });
  });
});
