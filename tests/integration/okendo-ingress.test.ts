// Okendo → this app, through HTTP against the built server: signatures, every rejection code (each leaving
// nothing stored), redelivery, and valid-but-unknown payloads kept as "unmapped". Braze is the simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShop, postOkendo, signOkendo, waitFor, type TestShop } from "../support/okendo.ts";
import { envelope, receivedBy, sleep, startPipeline, trackRequests, type Pipeline } from "../support/pipeline.ts";

let p: Pipeline;
let shop: TestShop;
let apiKey: string;

beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.stop();
});
beforeEach(async () => {
  apiKey = `valid-${crypto.randomUUID()}`;
  shop = await createShop(p.db, { brazeUrl: p.braze.url, apiKey });
});

const JANE = { email: "jane.doe@example.com", shopifyCustomerId: "7001234567890" };
const reviewCreated = (reviewId = crypto.randomUUID()) =>
  envelope("Okendo Review Created", JANE, { review_id: reviewId, rating: 5 }, { occurredAt: "2026-11-26T10:00:00Z" });

function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  return fetch(p.app.url + path, { method: init.method ?? "POST", headers: init.headers, body: init.body });
}

async function storedRows() {
  return { inbound: await p.db.inboundMessage.count(), deliveries: await p.db.delivery.count() };
}

// Runs a request that must be refused, and checks that it left no trace and sent nothing to Braze.
async function expectRefused(status: number, request: () => Promise<Response>) {
  const before = await storedRows();
  const brazeBefore = trackRequests(p.braze, apiKey).length;
  const response = await request();
  const body = await response.json().catch(() => null);
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(await storedRows()).toEqual(before);
  await sleep(150); // a few worker polls: nothing must go out
  expect(trackRequests(p.braze, apiKey).length).toBe(brazeBefore);
  return body as { error?: string; problems?: string[] } | null;
}

describe("signatures", () => {
  it.each(["svix", "webhook"] as const)(
    "accepts a delivery signed with %s-* headers and forwards it to Braze",
    async (headerStyle) => {
      const reviewId = crypto.randomUUID();
      const { response, json } = await postOkendo(p.app.url, shop, reviewCreated(reviewId), { headerStyle });
      expect(response.status).toBe(200);
      expect(json).toEqual({ status: "accepted", deliveries: 2 });
      expect(await p.db.inboundMessage.count({ where: { shop: shop.domain, status: "mapped" } })).toBe(1);

      const events = await waitFor(() => {
        const received = receivedBy(p.braze, apiKey).filter((o) => o.type === "event");
        return received.length > 0 && received;
      });
      expect(events.map((e) => e.object)).toEqual([
        expect.objectContaining({
          external_id: JANE.shopifyCustomerId,
          name: "Okendo Review Created",
          properties: expect.objectContaining({ review_id: reviewId }),
        }),
      ]);
    },
  );

  it("refuses a delivery without signature headers (401)", async () => {
    const body = JSON.stringify(reviewCreated());
    const refusal = await expectRefused(401, () =>
      send(shop.webhookPath, { headers: { "content-type": "application/json" }, body }),
    );
    expect(refusal?.error).toMatch(/svix-id/);
  });

  it("refuses a delivery with only some of the signature headers (401)", async () => {
    const signed = signOkendo(reviewCreated());
    const { "svix-signature": _signature, ...headers } = signed.headers;
    await expectRefused(401, () => send(shop.webhookPath, { headers, body: signed.body }));
  });

  it("refuses a delivery signed with another secret (401)", async () => {
    const signed = signOkendo(reviewCreated(), { secret: "whsec_YW5vdGhlci1zZWNyZXQtdGhhdC1pcy1ub3QtdGhlLXNob3Bz" });
    await expectRefused(401, () => send(shop.webhookPath, { headers: signed.headers, body: signed.body }));
  });

  it("refuses a body changed after signing (401)", async () => {
    const signed = signOkendo(reviewCreated());
    const tampered = signed.body.replace('"rating":5', '"rating":1');
    expect(tampered).not.toBe(signed.body);
    await expectRefused(401, () => send(shop.webhookPath, { headers: signed.headers, body: tampered }));
  });

  it("refuses a signature whose timestamp is more than 5 minutes old (401), and one from the future", async () => {
    const old = signOkendo(reviewCreated(), { timestamp: new Date(Date.now() - 6 * 60_000) });
    await expectRefused(401, () => send(shop.webhookPath, { headers: old.headers, body: old.body }));
    const future = signOkendo(reviewCreated(), { timestamp: new Date(Date.now() + 6 * 60_000) });
    await expectRefused(401, () => send(shop.webhookPath, { headers: future.headers, body: future.body }));
  });

  it("still accepts a timestamp a few minutes old (within the tolerance)", async () => {
    const { response } = await postOkendo(p.app.url, shop, reviewCreated(), {
      timestamp: new Date(Date.now() - 4 * 60_000),
    });
    expect(response.status).toBe(200);
  });
});

describe("other rejections", () => {
  it("answers 404 for an unknown webhook URL", async () => {
    const signed = signOkendo(reviewCreated());
    await expectRefused(404, () =>
      send(`/webhooks/okendo/${crypto.randomUUID()}`, { headers: signed.headers, body: signed.body }),
    );
  });

  it("answers 413 for a body over 1 MiB, even when correctly signed", async () => {
    const big = { ...reviewCreated(), properties: { review_id: "r", body: "x".repeat(1024 * 1024) } };
    const signed = signOkendo(big);
    expect(Buffer.byteLength(signed.body)).toBeGreaterThan(1024 * 1024);
    await expectRefused(413, () => send(shop.webhookPath, { headers: signed.headers, body: signed.body }));
    // The refused body was never read: the next deliveries from the same client must not be lost with it.
    for (let i = 0; i < 3; i++) expect((await postOkendo(p.app.url, shop, reviewCreated())).response.status).toBe(200);
  });

  it("accepts a body just under 1 MiB", async () => {
    const body = reviewCreated();
    const padding =
      1024 * 1024 - Buffer.byteLength(JSON.stringify({ ...body, properties: { ...body.properties, pad: "" } })) - 1;
    const almost = { ...body, properties: { ...body.properties, pad: "x".repeat(padding) } };
    expect(Buffer.byteLength(JSON.stringify(almost))).toBeLessThan(1024 * 1024);
    const { response } = await postOkendo(p.app.url, shop, almost);
    expect(response.status).toBe(200);
  });

  it("answers 400 for a correctly signed body that is not JSON", async () => {
    const signed = signOkendo("event=Okendo Review Created&rating=5");
    await expectRefused(400, () => send(shop.webhookPath, { headers: signed.headers, body: signed.body }));
  });

  it.each(["GET", "PUT", "PATCH", "DELETE"])("answers 405 to %s", async (method) => {
    const signed = signOkendo(reviewCreated());
    const refusal = await expectRefused(405, () =>
      send(shop.webhookPath, method === "GET" ? { method } : { method, headers: signed.headers, body: signed.body }),
    );
    expect(refusal?.error).toBeTruthy();
  });

  it("answers 405 with Allow: POST", async () => {
    const response = await send(shop.webhookPath, { method: "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("envelope validation (422 with the exact problem)", () => {
  const valid = () =>
    envelope("Okendo Review Created", JANE, { review_id: "r1", rating: 4 }, { occurredAt: "2026-11-26T10:00:00Z" });

  async function problemsFor(body: unknown) {
    const signed = signOkendo(body);
    const refusal = await expectRefused(422, () =>
      send(shop.webhookPath, { headers: signed.headers, body: signed.body }),
    );
    expect(refusal?.error).toBe("Invalid event envelope.");
    return refusal?.problems;
  }

  it("names a wrong event name and suggests the right one", async () => {
    expect(await problemsFor({ ...valid(), event: "Okendo review created" })).toEqual([
      'event: "Okendo review created" is not a catalog event name (names are case-sensitive; did you mean "Okendo Review Created"?)',
    ]);
  });

  it("names a bad email", async () => {
    expect(await problemsFor({ ...valid(), customer: { email: "jane.doe-at-example.com" } })).toEqual([
      "customer.email: must be an email address",
    ]);
  });

  it("names a missing occurredAt", async () => {
    const { occurredAt: _occurredAt, ...withoutTime } = valid();
    expect(await problemsFor(withoutTime)).toEqual([
      "occurredAt: is required (an ISO 8601 date-time such as 2026-11-26T10:00:00Z)",
    ]);
  });

  it("lists every problem at once", async () => {
    expect(
      await problemsFor({ event: "Order Placed!", occurredAt: "yesterday", customer: {}, properties: [] }),
    ).toEqual([
      expect.stringMatching(/^event: "Order Placed!" is not a catalog event name/),
      "occurredAt: must be an ISO 8601 date-time such as 2026-11-26T10:00:00Z",
      "customer: needs an email or a shopifyCustomerId",
      "properties: must be an object",
    ]);
  });

  it("refuses JSON that is not an object", async () => {
    expect(await problemsFor([valid()])).toEqual([
      "The body must be a JSON object: an Okendo webhook or an event envelope.",
    ]);
  });
});

describe("redelivery", () => {
  it("acknowledges a redelivered message id as a duplicate and Braze gets it once", async () => {
    const body = reviewCreated();
    const first = await postOkendo(p.app.url, shop, body);
    expect(first.json).toEqual({ status: "accepted", deliveries: 2 });
    await waitFor(() => receivedBy(p.braze, apiKey).some((o) => o.type === "event"));

    // Svix re-signs a retry with a new timestamp; Okendo may switch header names; the id stays.
    const again = await postOkendo(p.app.url, shop, body, { id: first.id, timestamp: new Date(Date.now() - 60_000) });
    expect(again.response.status).toBe(200);
    expect(again.json).toEqual({ status: "duplicate" });
    const viaOtherHeaders = await postOkendo(p.app.url, shop, body, { id: first.id, headerStyle: "webhook" });
    expect(viaOtherHeaders.json).toEqual({ status: "duplicate" });

    await sleep(300);
    expect(receivedBy(p.braze, apiKey).filter((o) => o.type === "event")).toHaveLength(1);
    expect(trackRequests(p.braze, apiKey)).toHaveLength(1);
    expect(await p.db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(1);
    expect(await p.db.delivery.count({ where: { shop: shop.domain } })).toBe(2);
  });

  it("concurrent redeliveries of one message are accepted exactly once", async () => {
    const signed = signOkendo(reviewCreated());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        send(shop.webhookPath, { headers: signed.headers, body: signed.body }).then(async (r) => [
          r.status,
          await r.json(),
        ]),
      ),
    );
    expect(answers.map(([status]) => status)).toEqual([200, 200, 200, 200, 200, 200]);
    const statuses = answers.map(([, json]) => (json as { status: string }).status).sort();
    expect(statuses).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate", "duplicate"]);

    await waitFor(() => receivedBy(p.braze, apiKey).some((o) => o.type === "event"));
    await sleep(300);
    expect(receivedBy(p.braze, apiKey).filter((o) => o.type === "event")).toHaveLength(1);
    expect(await p.db.delivery.count({ where: { shop: shop.domain } })).toBe(2);
  });

  it("the same message id at another shop is a different message", async () => {
    const otherKey = `valid-${crypto.randomUUID()}`;
    const other = await createShop(p.db, { brazeUrl: p.braze.url, apiKey: otherKey });
    const body = reviewCreated();
    const first = await postOkendo(p.app.url, shop, body);
    const second = await postOkendo(p.app.url, other, body, { id: first.id });
    expect(first.json).toEqual({ status: "accepted", deliveries: 2 });
    expect(second.json).toEqual({ status: "accepted", deliveries: 2 });
    await waitFor(() => receivedBy(p.braze, otherKey).some((o) => o.type === "event"));
  });
});

describe("valid JSON that is neither form", () => {
  it.each([
    ["an object without event or resource", { hello: "world", sequenceNumber: 3 }],
    ["an unknown native resource type", { topic: "survey_response.create", sequenceNumber: 7, resource: { id: 1 } }],
  ])("stores %s as unmapped and sends nothing to Braze", async (_label, body) => {
    const { response, json, id } = await postOkendo(p.app.url, shop, body);
    expect(response.status).toBe(200);
    expect(json).toEqual({ status: "unmapped" });

    const stored = await p.db.inboundMessage.findFirstOrThrow({ where: { shop: shop.domain } });
    expect(stored).toMatchObject({ status: "unmapped", dedupeKey: id, source: "okendo" });
    expect(JSON.parse(stored.payload)).toEqual(body);
    expect(stored.note).toBeTruthy();
    // Visible in the activity log as one unmapped row (with the reason), which the worker never sends.
    expect(await p.db.delivery.findMany({ where: { shop: shop.domain } })).toEqual([
      expect.objectContaining({ status: "unmapped", lastError: stored.note, attempts: 0 }),
    ]);

    await sleep(300);
    expect(trackRequests(p.braze, apiKey)).toHaveLength(0);

    // Redelivered, it is still stored once.
    expect((await postOkendo(p.app.url, shop, body, { id })).json).toEqual({ status: "duplicate" });
    expect(await p.db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(1);
  });
});
