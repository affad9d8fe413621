// The Okendo simulator answers as docs.okendo.io publishes (auth, pagination, limits, subscriptions) and delivers
// like Svix (signed, no topic in the body, retries with the same svix-id). Other tests trust it, so it is pinned here.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { startOkendoSimulator, type Account, type OkendoSimulator } from "../support/okendo-simulator.ts";

let sim: OkendoSimulator; // no rate limit: most tests send many requests at once
let account: Account;

beforeAll(async () => {
  sim = await startOkendoSimulator({ rateLimit: null, retryDelaysMs: [20, 20] });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function call(
  path: string,
  init: { method?: string; body?: unknown; auth?: string | null; base?: string } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const auth = init.auth === undefined ? basic(account.userId, account.apiKey) : init.auth;
  const response = await fetch((init.base ?? sim.url) + path, {
    method: init.method ?? "GET",
    headers: { ...(auth ? { authorization: auth } : {}), "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const subscriptionBody = (endpointUrl: string, resourceType = "review", topic = "create") => ({
  endpointUrl,
  isEnabled: true,
  subscriptions: [{ resourceType, topic }],
  version: "2025-02-01",
});

describe("authentication", () => {
  it("accepts the account's Okendo User ID and API key, and answers 401 for anything else", async () => {
    account = sim.addAccount({ reviews: 3 });
    expect(account.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(account.apiKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await call("/reviews")).status).toBe(200);

    const wrongKey = await call("/reviews", { auth: basic(account.userId, "x".repeat(32)) });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toEqual({ message: "Authentication credentials are missing or incorrect." });
    expect(wrongKey.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await call("/reviews", { auth: basic(crypto.randomUUID(), account.apiKey) })).status).toBe(401);
    expect((await call("/reviews", { auth: null })).status).toBe(401);

    expect(sim.requests.map((r) => [r.method, r.path, r.user, r.status])).toEqual([
      ["GET", "/reviews", account.userId, 200],
      ["GET", "/reviews", account.userId, 401],
      ["GET", "/reviews", expect.any(String), 401],
      ["GET", "/reviews", null, 401],
    ]);
  });

  it("answers 404 outside the base path and for unknown resources", async () => {
    account = sim.addAccount();
    expect((await call("/reviews", { base: sim.origin })).status).toBe(404);
    expect((await call("/products")).status).toBe(404);
  });
});

describe("GET /reviews", () => {
  it("pages through every approved review, newest first, following nextUrl relative to the base path", async () => {
    account = sim.addAccount({ reviews: 120 });
    const seen: any[] = [];
    let path: string | undefined = "/reviews?limit=25";
    let pages = 0;
    while (path) {
      const page = await call(path);
      expect(page.status).toBe(200);
      seen.push(...page.body.reviews);
      path = page.body.nextUrl;
      if (path) expect(path).toMatch(/^\/reviews\?/); // relative: "append the nextUrl to the base path"
      pages++;
    }
    const approved = sim.reviews(account.userId).length - 10; // every 11th generated review is pending
    expect(seen).toHaveLength(approved);
    expect(pages).toBe(Math.ceil(approved / 25));
    expect(new Set(seen.map((r) => r.reviewId)).size).toBe(approved);
    const dates = seen.map((r) => r.dateCreated);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it("returns reviews in Okendo's published shape, some without a reviewer email", async () => {
    account = sim.addAccount({ reviews: 30 });
    const { body } = await call("/reviews?limit=100&orderBy=date%20asc");
    expect(body.nextUrl).toBeUndefined();
    const review = body.reviews[0];
    expect(review).toMatchObject({
      reviewId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      subscriberId: account.userId,
      productId: expect.stringMatching(/^shopify-\d+$/),
      productName: expect.any(String),
      rating: expect.any(Number),
      title: expect.any(String),
      body: expect.any(String),
      isRecommended: expect.any(Boolean),
      dateCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      media: expect.any(Array),
      reviewer: {
        name: expect.any(String),
        displayName: expect.any(String),
        isVerified: expect.any(Boolean),
        verifiedStatus: expect.any(String),
        location: { country: { code: expect.stringMatching(/^[A-Z]{2}$/) } },
        attributes: expect.any(Array),
      },
    });
    expect(review).not.toHaveProperty("_status");
    expect(body.reviews.some((r: any) => r.reviewer.email === undefined)).toBe(true);
    expect(body.reviews.some((r: any) => typeof r.reviewer.email === "string")).toBe(true);
    const dates = body.reviews.map((r: any) => r.dateCreated);
    expect(dates).toEqual([...dates].sort());
  });

  it("filters by moderation status and refuses bad parameters with 400", async () => {
    account = sim.addAccount({ reviews: 30 });
    expect((await call("/reviews?status=pending&limit=100")).body.reviews).toHaveLength(2);
    expect((await call("/reviews?status=rejected")).body.reviews).toHaveLength(0);
    for (const query of ["limit=0", "limit=101", "limit=ten", "orderBy=newest", "status=spam", "lastEvaluated=%7B"]) {
      expect((await call(`/reviews?${query}`)).status, query).toBe(400);
    }
  });
});

describe("a plan without webhooks", () => {
  it("answers 403 with a message on every webhook endpoint, while reviews still work", async () => {
    account = sim.addAccount({ webhooks: false, reviews: 1 });
    expect((await call("/reviews")).status).toBe(200);
    const list = await call("/webhook_subscriptions");
    expect(list.status).toBe(403);
    expect(list.body.message).toMatch(/plan/);
    expect(
      (await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("https://a.test/x") })).status,
    ).toBe(403);
    expect((await call(`/webhook_subscriptions/${crypto.randomUUID()}`, { method: "DELETE" })).status).toBe(403);

    sim.setWebhooksAllowed(account.userId, true);
    expect((await call("/webhook_subscriptions")).status).toBe(200);
  });
});

describe("webhook subscriptions", () => {
  it("creates a subscription and answers with it and a new whsec_ secret; lists without the secret", async () => {
    account = sim.addAccount();
    const created = await call("/webhook_subscriptions", {
      method: "POST",
      body: subscriptionBody("https://app.test/webhooks/okendo/abc/review.create"),
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      subscriberId: account.userId,
      webhookSubscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      endpointUrl: "https://app.test/webhooks/okendo/abc/review.create",
      version: "2025-02-01",
      subscriptions: [{ resourceType: "review", topic: "create" }],
      isEnabled: true,
      dateCreated: expect.any(String),
      dateModified: expect.any(String),
      webhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    expect(() => new Webhook(created.body.webhookSecret)).not.toThrow();

    const list = await call("/webhook_subscriptions");
    expect(list.body.webhookSubscriptions).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
  });

  it("puts the secret where it is told to, or nowhere", async () => {
    account = sim.addAccount();
    sim.configure({ secretField: "secret.value" });
    const nested = await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("https://a.test/1") });
    expect(nested.body.secret.value).toMatch(/^whsec_/);
    expect(nested.body.webhookSecret).toBeUndefined();

    sim.configure({ secretField: null });
    const none = await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("https://a.test/2") });
    expect(JSON.stringify(none.body)).not.toContain("whsec_");
  });

  it("refuses a malformed subscription with 422 and stores nothing", async () => {
    account = sim.addAccount();
    const bad = [
      { ...subscriptionBody("https://a.test/1"), version: "2024-01-01" },
      { ...subscriptionBody("https://a.test/1"), endpointUrl: "not a url" },
      { ...subscriptionBody("https://a.test/1"), isEnabled: "yes" },
      { ...subscriptionBody("https://a.test/1"), subscriptions: [] },
      subscriptionBody("https://a.test/1", "referral"),
      subscriptionBody("https://a.test/1", "review", "review.create"), // the published form is "create"
    ];
    for (const body of bad) {
      const answer = await call("/webhook_subscriptions", { method: "POST", body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.message).toEqual(expect.any(String));
    }
    expect(sim.subscriptions(account.userId)).toEqual([]);

    sim.configure({ topicForm: "qualified" });
    expect(
      (await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("https://a.test/1") })).status,
    ).toBe(422);
    const qualified = subscriptionBody("https://a.test/1", "review", "review.create");
    expect((await call("/webhook_subscriptions", { method: "POST", body: qualified })).status).toBe(200);
  });

  it("lists subscriptions in pages linked by nextUrl", async () => {
    account = sim.addAccount();
    for (let i = 0; i < 7; i++) {
      await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody(`https://a.test/${i}`) });
    }
    const ids: string[] = [];
    let path: string | undefined = "/webhook_subscriptions?limit=3";
    while (path) {
      const page = await call(path);
      expect(page.body.webhookSubscriptions.length).toBeLessThanOrEqual(3);
      ids.push(...page.body.webhookSubscriptions.map((s: any) => s.webhookSubscriptionId));
      path = page.body.nextUrl;
    }
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
  });

  it("updates with PUT or PATCH and deletes; 404 for another account's or an unknown subscription", async () => {
    account = sim.addAccount();
    const other = sim.addAccount();
    const { body } = await call("/webhook_subscriptions", {
      method: "POST",
      body: subscriptionBody("https://a.test/1"),
    });
    const path = `/webhook_subscriptions/${body.webhookSubscriptionId}`;

    sim.disableSubscription(body.webhookSubscriptionId);
    expect(sim.subscriptions(account.userId)[0]!.isEnabled).toBe(false);
    const patched = await call(path, { method: "PATCH", body: { isEnabled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.isEnabled).toBe(true);
    const put = await call(path, {
      method: "PUT",
      body: { ...subscriptionBody("https://a.test/2"), isEnabled: false },
    });
    expect(put.body).toMatchObject({ endpointUrl: "https://a.test/2", isEnabled: false });
    expect((await call(path, { method: "PUT", body: { isEnabled: true } })).status).toBe(422); // PUT replaces all

    expect((await call(path, { method: "DELETE", auth: basic(other.userId, other.apiKey) })).status).toBe(404);
    expect((await call(path, { method: "DELETE" })).status).toBe(204);
    expect((await call(path, { method: "DELETE" })).status).toBe(404);
    expect(sim.subscriptions(account.userId)).toEqual([]);
  });

  it("answers 405 for the methods it is told not to support", async () => {
    account = sim.addAccount();
    sim.configure({ unsupported: ["PUT", "PATCH", "DELETE"] });
    const { body } = await call("/webhook_subscriptions", {
      method: "POST",
      body: subscriptionBody("https://a.test/1"),
    });
    const path = `/webhook_subscriptions/${body.webhookSubscriptionId}`;
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await call(path, { method, body: subscriptionBody("https://a.test/1") })).status, method).toBe(405);
    }
    expect(sim.subscriptions(account.userId)).toHaveLength(1);
  });
});

describe("injected failures", () => {
  it("answers the next requests with the canned status, only for the named account when one is given", async () => {
    account = sim.addAccount();
    const other = sim.addAccount();
    sim.failNext(1, { status: 503 });
    sim.failNext(1, { status: 429, headers: { "retry-after": "7" } }, { userId: other.userId });
    expect((await call("/reviews")).status).toBe(503);
    expect((await call("/reviews")).status).toBe(200); // the 429 waits for the other account
    const limited = await call("/reviews", { auth: basic(other.userId, other.apiKey) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(() => sim.failNext(0, { status: 500 })).toThrow(RangeError);

    // Only the third POST fails; GETs pass untouched.
    sim.failNext(1, { status: 500 }, { method: "POST", skip: 2 });
    const post = () => call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("https://a.test/1") });
    expect([
      (await post()).status,
      (await call("/reviews")).status,
      (await post()).status,
      (await post()).status,
    ]).toEqual([200, 200, 200, 500]);
  });
});

describe("rate limit", () => {
  it("allows a small burst per account, then 429 with Retry-After, and recovers at about 2 requests/s", async () => {
    const limited = await startOkendoSimulator({ rateLimit: { perSecond: 2, burst: 4 } });
    try {
      account = limited.addAccount();
      const other = limited.addAccount();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await call("/reviews", { base: limited.url })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const answer = await call("/reviews", { base: limited.url });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another account has its own allowance.
      expect((await call("/reviews", { base: limited.url, auth: basic(other.userId, other.apiKey) })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await call("/reviews", { base: limited.url })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("webhook delivery (like Svix)", () => {
  let receiver: Server;
  let receiverUrl: string;
  let received: { path: string; headers: Record<string, string>; body: string }[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  afterEach(() => {
    received = [];
    answers = [];
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  async function subscribe(topic: string, resourceType = "review") {
    const { body } = await call("/webhook_subscriptions", {
      method: "POST",
      body: subscriptionBody(`${receiverUrl}/hooks/${resourceType}.${topic}`, resourceType, topic),
    });
    return body as { webhookSubscriptionId: string; webhookSecret: string };
  }

  it("delivers a new review to the matching subscription only, signed, in the published shape without a topic", async () => {
    account = sim.addAccount();
    const created = await subscribe("create");
    await subscribe("update");
    await subscribe("create", "loyalty_customer");

    const review = sim.addReview(account.userId, { rating: 2 });
    await sim.settled();

    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.path).toBe("/hooks/review.create");
    const body = JSON.parse(delivery!.body);
    expect(body).toEqual({ sequenceNumber: 1, resource: review });
    expect(Object.keys(body).sort()).toEqual(["resource", "sequenceNumber"]);
    expect(body.resource).toMatchObject({ rating: 2, reviewer: { email: expect.stringContaining("@") } });

    // Standard Webhooks: the library accepts it, and so does the spec's formula computed by hand.
    const headers = delivery!.headers;
    expect(headers["svix-id"]).toMatch(/^msg_/);
    const asStandard = {
      "webhook-id": headers["svix-id"]!,
      "webhook-timestamp": headers["svix-timestamp"]!,
      "webhook-signature": headers["svix-signature"]!,
    };
    expect(() => new Webhook(created.webhookSecret).verify(delivery!.body, asStandard)).not.toThrow();
    const key = Buffer.from(created.webhookSecret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${headers["svix-id"]}.${headers["svix-timestamp"]}.${delivery!.body}`)
      .digest("base64");
    expect(headers["svix-signature"]).toBe(`v1,${expected}`);
    expect(sim.deliveries[0]).toMatchObject({ outcome: "delivered", topic: "review.create" });
  });

  it("numbers deliveries per resource type and accepts the qualified topic form too", async () => {
    account = sim.addAccount();
    sim.configure({ topicForm: "qualified" });
    await subscribe("loyalty_customer.update", "loyalty_customer");
    sim.deliver(account.userId, "loyalty_customer.update", { customerId: "1", email: "a@example.com" });
    sim.deliver(account.userId, "loyalty_customer.update", { customerId: "2", email: "b@example.com" });
    await sim.settled();
    expect(received.map((r) => JSON.parse(r.body).sequenceNumber).sort()).toEqual([1, 2]);
  });

  it("retries a failed delivery with the same svix-id, re-signed, until it succeeds or gives up", async () => {
    account = sim.addAccount();
    await subscribe("create");
    answers = [500, 302];
    sim.addReview(account.userId);
    await sim.settled();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["svix-id"])).size).toBe(1);
    expect(sim.deliveries[0]!.attempts.map((a) => a.status)).toEqual([500, 302, 200]);
    expect(sim.deliveries[0]!.outcome).toBe("delivered");

    received = [];
    answers = [500, 500, 500];
    sim.addReview(account.userId);
    await sim.settled();
    expect(received).toHaveLength(3); // 1 + 2 retries
    expect(sim.deliveries[1]!.outcome).toBe("failed");
  });

  it("sends nothing to a disabled subscription, and loses dropped deliveries upstream", async () => {
    account = sim.addAccount();
    const created = await subscribe("create");
    sim.dropNextDeliveries(1);
    sim.addReview(account.userId);
    await sim.settled();
    expect(received).toHaveLength(0);
    expect(sim.deliveries[0]!.outcome).toBe("dropped");

    sim.disableSubscription(created.webhookSubscriptionId);
    sim.addReview(account.userId);
    await sim.settled();
    expect(received).toHaveLength(0);
    expect(sim.deliveries).toHaveLength(1);
  });

  it("counts a delivery to an address where nothing listens as failed", async () => {
    account = sim.addAccount();
    await call("/webhook_subscriptions", { method: "POST", body: subscriptionBody("http://127.0.0.1:1/nothing") });
    sim.addReview(account.userId);
    await sim.settled();
    expect(sim.deliveries[0]).toMatchObject({ outcome: "failed" });
    expect(sim.deliveries[0]!.attempts).toHaveLength(3);
    expect(sim.deliveries[0]!.attempts[0]!.status).toBeNull();
  });
});

describe("control API (for browser tests)", () => {
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${sim.origin}/__simulator/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  it("creates accounts, lists and disables subscriptions, switches the plan and injects failures", async () => {
    const created = await control("accounts", { reviews: 2 });
    expect(created.status).toBe(200);
    account = created.body;
    expect((await control(`accounts/${account.userId}/webhooks`, { allowed: false })).status).toBe(200);
    expect((await call("/webhook_subscriptions")).status).toBe(403);
    await control(`accounts/${account.userId}/webhooks`, { allowed: true });

    const { body } = await call("/webhook_subscriptions", {
      method: "POST",
      body: subscriptionBody("https://a.test/1"),
    });
    await control(`subscriptions/${body.webhookSubscriptionId}/disable`, {});
    const listed = await control(`accounts/${account.userId}/subscriptions`);
    expect(listed.body).toEqual([expect.objectContaining({ isEnabled: false })]);

    await control("fail-next", { n: 1, status: 502 });
    expect((await call("/reviews")).status).toBe(502);
    const requests = await control(`requests?user=${account.userId}`);
    expect(requests.body.map((r: any) => r.status)).toEqual([403, 200, 502]);

    expect((await control("fail-next", { n: 1, status: 200 })).status).toBe(400);
    expect((await control("accounts/nobody/reviews", {})).status).toBe(400);
    await control("reset", {});
    expect(sim.requests).toEqual([]);
  });
});
