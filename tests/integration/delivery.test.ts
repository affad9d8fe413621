// The outbox worker, end to end: events posted through HTTP to the built server, Braze played by the simulator.
// What is asserted is what a merchant would see: what Braze received (and when), and each row's status,
// attempts and error in the activity log.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShop, postOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import {
  connectShop,
  deliveryStatuses,
  envelope,
  postAll,
  receivedBy,
  settled,
  sleep,
  startPipeline,
  trackRequests,
  type Pipeline,
} from "../support/pipeline.ts";

const RETRY_BASE_MS = 200;
let p: Pipeline;

beforeAll(async () => {
  // One worker loop and short turns, so fairness comes from shops taking turns, not from parallelism.
  p = await startPipeline({
    DELIVERY_POLL_MS: "50",
    DELIVERY_RETRY_BASE_MS: String(RETRY_BASE_MS),
    DELIVERY_CONCURRENCY: "1",
    DELIVERY_TURN_MS: "200",
  });
});
afterAll(async () => {
  await p?.stop();
});
beforeEach(() => {
  p.braze.reset();
});

interface Shop extends TestShop {
  apiKey: string;
}

async function newShop(options: { connected?: boolean; apiKey?: string } = {}): Promise<Shop> {
  const apiKey = options.apiKey ?? `valid-${crypto.randomUUID()}`;
  const shop = await createShop(p.db, options.connected === false ? {} : { brazeUrl: p.braze.url, apiKey });
  return { ...shop, apiKey };
}

// One event object per envelope (a customer known only by Shopify ID has no attributes to send).
const numbered = (n: number, customerId = "7001234567890") =>
  envelope("Okendo Review Request", { shopifyCustomerId: customerId }, { review_request_id: `rr-${n}`, n });

const eventNumbers = (shop: Shop) =>
  receivedBy(p.braze, shop.apiKey)
    .filter((o) => o.type === "event")
    .map((o) => (o.object.properties as { n: number }).n);
const objectCount = (body: unknown) => {
  const b = body as { attributes?: unknown[]; events?: unknown[]; purchases?: unknown[] };
  return (b.attributes?.length ?? 0) + (b.events?.length ?? 0) + (b.purchases?.length ?? 0);
};

function expectEachOnce(values: number[], count: number) {
  const seen = new Map<number, number>();
  for (const value of values) seen.set(value, (seen.get(value) ?? 0) + 1);
  const doubled = [...seen].filter(([, times]) => times > 1).map(([value]) => value);
  const lost = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  expect({ doubled, lost, total: values.length }).toEqual({ doubled: [], lost: [], total: count });
}

describe("batching", () => {
  // Fifty customers with an email each: every event brings an attribute object (numbered too) and an event.
  const withAttributes = (n: number) =>
    envelope(
      "Okendo Review Request",
      { shopifyCustomerId: String(7_001_000_000_000 + (n % 50)), email: `customer${n % 50}@example.com` },
      { review_request_id: `rr-${n}`, n },
      { attributes: { okendo_test_n: n } },
    );
  const attributeNumbers = (shop: Shop) =>
    receivedBy(p.braze, shop.apiKey)
      .filter((o) => o.type === "attributes")
      .map((o) => o.object.okendo_test_n as number);

  it("events arriving while the worker sends: every request ≤ 75 objects, each object reaches Braze exactly once", async () => {
    const shop = await newShop();
    const started = Date.now();
    const answers = await postAll(
      p.app.url,
      shop,
      Array.from({ length: 200 }, (_, n) => withAttributes(n)),
      8,
    );
    expect(answers.every((a) => (a as { status: string }).status === "accepted")).toBe(true);
    await waitFor(() => settled(p.db, shop.domain), 20_000);

    const requests = trackRequests(p.braze, shop.apiKey);
    const sizes = requests.map((r) => objectCount(r.body));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(75);
    expect(requests.every((r) => r.status === 201)).toBe(true);
    expectEachOnce(eventNumbers(shop), 200);
    expectEachOnce(attributeNumbers(shop), 200);
    expect(await deliveryStatuses(p.db, shop.domain)).toEqual({ delivered: 400 });
    console.log(
      `[batching, live] 200 events (400 objects) posted 8 at a time and delivered in ${Date.now() - started} ms: ` +
        `${requests.length} requests of ${Math.min(...sizes)}–${Math.max(...sizes)} objects`,
    );
  });

  it(
    "a backlog of 1,000 events (2,000 objects) goes out in full requests of 75, each object exactly once — " +
      "and another shop's event does not wait for it",
    async () => {
      const a = await newShop({ connected: false });
      const b = await newShop();
      const started = Date.now();
      await postAll(
        p.app.url,
        a,
        Array.from({ length: 1000 }, (_, n) => withAttributes(n)),
        8,
      );
      const postedMs = Date.now() - started;

      p.braze.setLatency(25); // Braze takes a moment per request, as the real one does
      const connected = Date.now();
      await connectShop(p.db, a.domain, p.braze.url, a.apiKey);
      await waitFor(() => trackRequests(p.braze, a.apiKey).length > 0); // A is being drained

      const posted = Date.now();
      await postOkendo(p.app.url, b, numbered(0));
      const bRequest = await waitFor(() => trackRequests(p.braze, b.apiKey)[0], 10_000);
      const bWaitedMs = bRequest.receivedAt - posted;
      const aBefore = receivedBy(p.braze, a.apiKey).filter((o) => o.requestId < bRequest.id).length;

      await waitFor(() => settled(p.db, a.domain), 30_000);
      const drainMs = Date.now() - connected;
      p.braze.setLatency(0);

      // Fairness: B went out while most of A's backlog was still waiting.
      const aRequests = trackRequests(p.braze, a.apiKey);
      expect(aRequests.at(-1)!.id).toBeGreaterThan(bRequest.id);
      expect(aBefore).toBeLessThan(1000);
      expect(eventNumbers(b)).toEqual([0]);

      // Batching: 2,000 objects in 27 requests (26 × 75 + 50), none lost, none doubled.
      const sizes = aRequests.map((r) => objectCount(r.body));
      expect(sizes).toEqual([...Array<number>(26).fill(75), 50]);
      expectEachOnce(eventNumbers(a), 1000);
      expectEachOnce(attributeNumbers(a), 1000);
      expect(await deliveryStatuses(p.db, a.domain)).toEqual({ delivered: 2000 });
      console.log(
        `[batching, backlog] 1,000 events (2,000 objects) accepted in ${postedMs} ms; drained in ${drainMs} ms ` +
          `(25 ms simulated Braze latency) in ${aRequests.length} requests of ${sizes[0]} objects (last ${sizes.at(-1)})`,
      );
      console.log(
        `[fairness] B's event reached Braze ${bWaitedMs} ms after it was posted, with ${2000 - aBefore} of A's 2,000 objects still to go`,
      );
    },
  );
});

describe("Braze's answers", () => {
  it("partial success: only the object Braze refused fails, with Braze's message; the rest are delivered and never resent", async () => {
    const shop = await newShop({ connected: false });
    // Three customers with an email: each event brings an attribute object and an event, packed attributes first.
    for (const n of [0, 1, 2]) {
      await postOkendo(
        p.app.url,
        shop,
        envelope("Okendo Review Request", { shopifyCustomerId: `70010000000${n}`, email: `c${n}@example.com` }, { n }),
      );
    }
    const refusal = "Event 'time' must be an ISO 8601 string";
    p.braze.failNext(1, {
      status: 201,
      body: {
        message: "success",
        attributes_processed: 3,
        events_processed: 2,
        errors: [{ type: refusal, input_array: "events", index: 1 }],
      },
    });
    await connectShop(p.db, shop.domain, p.braze.url, shop.apiKey);
    await waitFor(() => settled(p.db, shop.domain));
    await sleep(400); // several polls: nothing may be resent

    const requests = trackRequests(p.braze, shop.apiKey);
    expect(requests).toHaveLength(1);
    const body = requests[0]!.body as { attributes: unknown[]; events: { properties: { n: number } }[] };
    expect([body.attributes.length, body.events.map((e) => e.properties.n)]).toEqual([3, [0, 1, 2]]);

    const rows = await p.db.delivery.findMany({ where: { shop: shop.domain }, orderBy: { id: "asc" } });
    const failed = rows.filter((r) => r.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: "event", attempts: 1 });
    expect(JSON.parse(failed[0]!.payload).properties.n).toBe(1);
    expect(failed[0]!.lastError).toContain(refusal);
    expect(rows.filter((r) => r.status === "delivered")).toHaveLength(5);
  });

  it("400: the objects fail permanently with Braze's reason and are not resent", async () => {
    const shop = await newShop();
    p.braze.failNext(1, { status: 400, body: { message: "Malformed request: 'events' must be an array." } });
    await postOkendo(p.app.url, shop, numbered(0));
    await waitFor(() => settled(p.db, shop.domain));
    await sleep(300);
    expect(trackRequests(p.braze, shop.apiKey)).toHaveLength(1);
    const row = await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain } });
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toContain("Malformed request: 'events' must be an array.");
  });

  it("429 with x-ratelimit-reset (epoch seconds): nothing is sent before then, and the wait is not an attempt", async () => {
    const shop = await newShop();
    const resetAt = Math.ceil(Date.now() / 1000) + 2;
    p.braze.failNext(1, {
      status: 429,
      body: { message: "Rate limit exceeded" },
      headers: { "x-ratelimit-reset": String(resetAt) },
    });
    await postOkendo(p.app.url, shop, numbered(0));
    await waitFor(() => settled(p.db, shop.domain), 10_000);

    const [limited, retried, ...more] = trackRequests(p.braze, shop.apiKey);
    expect([limited?.status, retried?.status, more.length]).toEqual([429, 201, 0]);
    expect(retried!.receivedAt).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain } })).toMatchObject({
      status: "delivered",
      attempts: 1,
    });
    expect(eventNumbers(shop)).toEqual([0]);
  });

  it("429 with retry-after (seconds): nothing is sent before then, and the wait is not an attempt", async () => {
    const shop = await newShop();
    p.braze.failNext(1, { status: 429, body: { message: "Rate limit exceeded" }, headers: { "retry-after": "1" } });
    await postOkendo(p.app.url, shop, numbered(0));
    // Events arriving meanwhile wait too, and go out with the first.
    await sleep(100);
    await postOkendo(p.app.url, shop, numbered(1));
    await waitFor(() => settled(p.db, shop.domain), 10_000);

    const [limited, ...after] = trackRequests(p.braze, shop.apiKey);
    expect(limited!.status).toBe(429);
    expect(after.length).toBeGreaterThan(0);
    for (const request of after) expect(request.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(1000);
    const rows = await p.db.delivery.findMany({ where: { shop: shop.domain } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["delivered", 1],
      ["delivered", 1],
    ]);
    expect(eventNumbers(shop)).toEqual([0, 1]);
  });

  it("5xx then success: delivered on the second attempt, the retry spaced by at least half the base backoff", async () => {
    const shop = await newShop();
    p.braze.failNext(1, { status: 503, body: { message: "Service Unavailable" } });
    await postOkendo(p.app.url, shop, numbered(0));
    await waitFor(() => settled(p.db, shop.domain));

    const [failed, retried, ...more] = trackRequests(p.braze, shop.apiKey);
    expect([failed?.status, retried?.status, more.length]).toEqual([503, 201, 0]);
    expect(retried!.receivedAt - failed!.receivedAt).toBeGreaterThanOrEqual(RETRY_BASE_MS / 2);
    expect(await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain } })).toMatchObject({
      status: "delivered",
      attempts: 2,
      lastError: null,
    });
    expect(eventNumbers(shop)).toEqual([0]);
  });

  it("Braze unreachable for a while, then back: delivered once", async () => {
    const shop = await newShop();
    await p.braze.setDown(true);
    try {
      await postOkendo(p.app.url, shop, numbered(0));
      const row = await waitFor(async () => {
        const found = await p.db.delivery.findFirst({ where: { shop: shop.domain } });
        return found !== null && found.attempts >= 2 ? found : undefined;
      });
      expect(row.status).toBe("retrying");
      expect(row.lastError).toMatch(/network error/);
    } finally {
      await p.braze.setDown(false);
    }
    await waitFor(() => settled(p.db, shop.domain), 10_000);
    const row = await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain } });
    expect(row.status).toBe("delivered");
    expect(row.attempts).toBeGreaterThanOrEqual(3);
    expect(eventNumbers(shop)).toEqual([0]);
  });
});

describe("the shop's connection", () => {
  it("401: the connection is marked broken, deliveries pause uncounted, and resume after reconnecting", async () => {
    const shop = await newShop({ apiKey: `invalid-${crypto.randomUUID()}` });
    await postOkendo(p.app.url, shop, numbered(0));
    await waitFor(
      async () => (await p.db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).connectionStatus === "broken",
    );
    expect((await p.db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).connectionError).toMatch(/401/);

    // Still accepted while broken; nothing more goes to Braze.
    await postOkendo(p.app.url, shop, numbered(1));
    await sleep(400);
    expect(trackRequests(p.braze, shop.apiKey).map((r) => r.status)).toEqual([401]);
    const paused = await p.db.delivery.findMany({ where: { shop: shop.domain } });
    expect(paused.map((r) => [r.status, r.attempts])).toEqual([
      ["queued", 0],
      ["queued", 0],
    ]);

    const newKey = `valid-${crypto.randomUUID()}`;
    await connectShop(p.db, shop.domain, p.braze.url, newKey);
    await waitFor(() => settled(p.db, shop.domain));
    expect(eventNumbers({ ...shop, apiKey: newKey })).toEqual([0, 1]);
    const rows = await p.db.delivery.findMany({ where: { shop: shop.domain } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["delivered", 1],
      ["delivered", 1],
    ]);
  });

  it("403 on /users/track (key without users.track) also pauses the shop's deliveries", async () => {
    const shop = await newShop({ apiKey: `nopermission-${crypto.randomUUID()}` });
    await postOkendo(p.app.url, shop, numbered(0));
    await waitFor(
      async () => (await p.db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).connectionStatus === "broken",
    );
    await sleep(300);
    expect(trackRequests(p.braze, shop.apiKey).map((r) => r.status)).toEqual([403]);
    expect(await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain } })).toMatchObject({
      status: "queued",
      attempts: 0,
    });
  });

  it("events for a shop that is not connected wait, and go out once it is", async () => {
    const shop = await newShop({ connected: false });
    for (const n of [0, 1, 2]) {
      const { json } = await postOkendo(p.app.url, shop, numbered(n));
      expect(json).toEqual({ status: "accepted", deliveries: 1 });
    }
    await sleep(400);
    expect(p.braze.requests).toHaveLength(0);
    expect(await deliveryStatuses(p.db, shop.domain)).toEqual({ queued: 3 });

    await connectShop(p.db, shop.domain, p.braze.url, shop.apiKey);
    await waitFor(() => settled(p.db, shop.domain));
    expect(eventNumbers(shop)).toEqual([0, 1, 2]);
    expect(await deliveryStatuses(p.db, shop.domain)).toEqual({ delivered: 3 });
  });
});

describe("ordering", () => {
  it("each customer's events reach Braze in the order received, even when one of them needs a retry", async () => {
    const shop = await newShop();
    const X = "7001234567001";
    const Y = "7001234567002";
    const xs = (n: number) => envelope("Okendo Review Request", { shopifyCustomerId: X }, { n });
    const ys = (n: number) => envelope("Okendo Review Request", { shopifyCustomerId: Y }, { n });

    p.braze.failNext(1, { status: 503 });
    await postOkendo(p.app.url, shop, xs(1)); // its first request fails; it retries after a backoff
    for (const body of [ys(1), xs(2), ys(2), xs(3), ys(3)]) await postOkendo(p.app.url, shop, body);
    await waitFor(() => settled(p.db, shop.domain));

    const events = receivedBy(p.braze, shop.apiKey).filter((o) => o.type === "event");
    const order = (id: string) =>
      events.filter((e) => e.object.external_id === id).map((e) => (e.object.properties as { n: number }).n);
    expect(order(X)).toEqual([1, 2, 3]);
    expect(order(Y)).toEqual([1, 2, 3]);
    // Y's events did not wait for X's retry.
    const firstX = events.find((e) => e.object.external_id === X)!;
    const firstY = events.find((e) => e.object.external_id === Y)!;
    expect(firstY.requestId).toBeLessThan(firstX.requestId);
    const xFirstRow = await p.db.delivery.findFirstOrThrow({ where: { shop: shop.domain }, orderBy: { id: "asc" } });
    expect(xFirstRow).toMatchObject({ status: "delivered", attempts: 2 });
  });
});

describe("dead letter", () => {
  let dl: Pipeline;
  beforeAll(async () => {
    dl = await startPipeline({
      DELIVERY_POLL_MS: "50",
      DELIVERY_RETRY_BASE_MS: "200",
      DELIVERY_RETRY_CAP_MS: "400",
      DELIVERY_DEAD_LETTER_AFTER_MS: "1500",
    });
  });
  afterAll(async () => {
    await dl?.stop();
  });

  it("rows that keep failing with 5xx end as dead_letter with the reason, after the configured time", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(dl.db, { brazeUrl: dl.braze.url, apiKey });
    dl.braze.failNext(1000, { status: 500, body: { message: "Internal Server Error" } });
    await postOkendo(dl.app.url, shop, numbered(0));
    await postOkendo(dl.app.url, shop, numbered(1));
    await waitFor(() => settled(dl.db, shop.domain), 10_000);
    await sleep(300);

    const requests = trackRequests(dl.braze, apiKey);
    expect(requests.every((r) => r.status === 500)).toBe(true);
    // Given up only once 1.5 s had passed since the first failure (measured at Braze, give or take a response time).
    expect(requests.at(-1)!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(1400);
    const rows = await dl.db.delivery.findMany({ where: { shop: shop.domain } });
    const sentTimes = (n: number) => requests.filter((r) => JSON.stringify(r.body).includes(`"n":${n}`)).length;
    for (const row of rows) {
      expect(row.status).toBe("dead_letter");
      expect(row.lastError).toMatch(/Braze answered HTTP 500: Internal Server Error; gave up after \d+ attempts/);
      expect(row.attempts).toBe(sentTimes(JSON.parse(row.payload).properties.n));
      expect(row.attempts).toBeGreaterThanOrEqual(3);
    }
    dl.braze.reset();
  });
});

describe("a customer's event waiting for a long retry", () => {
  let slow: Pipeline;
  beforeAll(async () => {
    slow = await startPipeline({ DELIVERY_POLL_MS: "50", DELIVERY_RETRY_BASE_MS: "60000", DELIVERY_CONCURRENCY: "1" });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  // CPU time (user + system) the server process has used, in ms; Linux only.
  const cpuMs = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  };

  it("holds back that customer's later events without holding up others; the app stays responsive and idle", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = { ...(await createShop(slow.db, { brazeUrl: slow.braze.url, apiKey })), apiKey };
    slow.braze.failNext(1, { status: 503 });
    await postOkendo(slow.app.url, shop, numbered(1, "7001234567001"));
    await waitFor(
      async () => (await slow.db.delivery.count({ where: { shop: shop.domain, status: "retrying" } })) === 1,
    );
    await postOkendo(slow.app.url, shop, numbered(2, "7001234567001"));
    // The app keeps answering promptly while an event is held back (a worker spinning on the held-back row
    // without yielding once froze the whole server, webhooks included, until the retry came due).
    const answered = Date.now();
    const other = await Promise.race([
      postOkendo(slow.app.url, shop, numbered(3, "7001234567002")),
      sleep(3000).then(() => null),
    ]);
    expect(other?.response.status, "the app did not answer within 3 s").toBe(200);
    console.log(`[held back] another webhook was answered in ${Date.now() - answered} ms`);
    await waitFor(() => trackRequests(slow.braze, apiKey).length === 2);

    const pid = slow.app.process.pid!;
    const measure = existsSync(`/proc/${pid}/stat`);
    const before = measure ? cpuMs(pid) : 0;
    const started = Date.now();
    await sleep(1500);
    const cpuPerSecond = measure ? ((cpuMs(pid) - before) / (Date.now() - started)) * 1000 : 0;

    // The other customer's event went out; the held-back one did not, and nothing else was sent.
    const sent = trackRequests(slow.braze, apiKey).map((r) =>
      (r.body as { events: { properties: { n: number } }[] }).events.map((e) => e.properties.n),
    );
    expect(sent).toEqual([[1], [3]]);
    const rows = await slow.db.delivery.findMany({ where: { shop: shop.domain }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["retrying", 1],
      ["queued", 0],
      ["delivered", 1],
    ]);
    // A worker that keeps re-claiming the shop only to find nothing sendable burns a whole core (~1,000 ms/s).
    console.log(`[held back] server CPU while waiting: ${cpuPerSecond.toFixed(0)} ms per second`);
    expect(cpuPerSecond).toBeLessThan(400);
  });
});
