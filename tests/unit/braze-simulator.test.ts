import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBrazeSimulator } from "../support/braze-simulator.ts";
import type { BrazeSimulator } from "../support/braze-simulator.ts";

let sim: BrazeSimulator;

beforeAll(async () => {
  sim = await startBrazeSimulator();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const TIME = "2024-05-01T12:00:00Z";

function event(i: number, extra: Record<string, unknown> = {}) {
  return { external_id: `user-${i}`, name: "okendo_review_created", time: TIME, ...extra };
}

async function post(path: string, body: unknown, key: string | null = "valid-key-123") {
  const res = await fetch(sim.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe("POST /users/track", () => {
  it("accepts valid objects with 201, counts and rate-limit headers", async () => {
    const res = await post("/users/track", {
      attributes: [{ external_id: "user-1", first_name: "Ada", _update_existing_only: true }],
      events: [event(1), event(2, { properties: { rating: 5 } })],
      purchases: [{ external_id: "user-1", product_id: "sku-1", currency: "USD", price: 9.5, time: TIME }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: "success",
      attributes_processed: 1,
      events_processed: 2,
      purchases_processed: 1,
    });
    expect(Number(res.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    expect(res.headers.get("x-ratelimit-remaining")).not.toBeNull();
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    expect(sim.events().map((e) => e.external_id)).toEqual(["user-1", "user-2"]);
    expect(sim.events()[0]).toMatchObject({ name: "okendo_review_created", apiKey: "valid-key-123" });
    expect(sim.attributes()).toEqual([
      expect.objectContaining({ external_id: "user-1", first_name: "Ada", apiKey: "valid-key-123" }),
    ]);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({
      id: 1,
      path: "/users/track",
      method: "POST",
      apiKey: "valid-key-123",
      status: 201,
    });
  });

  it("rejects more than 75 objects in total with 400", async () => {
    const events = Array.from({ length: 70 }, (_, i) => event(i));
    const attributes = Array.from({ length: 6 }, (_, i) => ({ external_id: `user-${i}`, tier: "gold" }));
    const res = await post("/users/track", { events, attributes });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/75/);
    expect(sim.events()).toEqual([]);

    const ok = await post("/users/track", { events: events.slice(0, 69), attributes });
    expect(ok.status).toBe(201);
  });

  it("rejects empty payloads and invalid JSON with 400", async () => {
    const empty = await post("/users/track", { events: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe(
      "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.",
    );
    const broken = await post("/users/track", "{not json");
    expect(broken.status).toBe(400);
    expect(sim.requests[1]?.body).toBe("{not json");
  });

  it("reports partial success and only exposes the valid objects", async () => {
    const res = await post("/users/track", {
      events: [
        event(1),
        event(2, { braze_id: "b-2" }), // two primary identifiers
        { email: "ada@example.com", name: "okendo_review_created", time: TIME }, // email-only is fine
        event(4, { time: "yesterday" }),
      ],
      attributes: [{ tier: "gold" }], // no identifier at all
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ message: "success", events_processed: 2, attributes_processed: 0 });
    expect(res.body.errors).toEqual([
      { type: expect.any(String), input_array: "attributes", index: 0 },
      { type: expect.any(String), input_array: "events", index: 1 },
      { type: expect.any(String), input_array: "events", index: 3 },
    ]);
    expect(sim.events().map((e) => e.external_id ?? e.email)).toEqual(["user-1", "ada@example.com"]);
    expect(sim.attributes()).toEqual([]);
  });

  it("answers 400 with errors when every object is invalid", async () => {
    const res = await post("/users/track", { events: [{ external_id: "u", time: TIME }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ type: expect.any(String), input_array: "events", index: 0 }]);
  });
});

describe("authentication", () => {
  const payload = { events: [event(1)] };

  it("answers 401 for missing, invalid and unknown keys without echoing the key", async () => {
    for (const key of [null, "invalid-secret-key-abcdef", "somebody-elses-key-abcdef"]) {
      const res = await post("/users/track", payload, key);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/^Invalid API key/);
      if (key) expect(res.body.message).not.toContain(key);
      expect(res.headers.get("x-ratelimit-limit")).not.toBeNull();
    }
    expect(sim.events()).toEqual([]);
  });

  it("answers 403 for keys without permission; trackonly- keys can track but not delete", async () => {
    expect((await post("/users/track", payload, "nopermission-abc")).status).toBe(403);
    expect((await post("/users/track", payload, "nopermission-abc")).body).toEqual({ message: "Access Denied" });
    expect((await post("/users/delete", { external_ids: ["a"] }, "nopermission-abc")).status).toBe(403);
    expect((await post("/users/track", payload, "trackonly-abc")).status).toBe(201);
    expect((await post("/users/delete", { external_ids: ["a"] }, "trackonly-abc")).status).toBe(403);
  });

  it("lets addKey register keys and override prefix rules", async () => {
    sim.addKey("custom-key", ["users.track"]);
    sim.addKey("valid-but-restricted", []);
    expect((await post("/users/track", payload, "custom-key")).status).toBe(201);
    expect((await post("/users/delete", { external_ids: ["a"] }, "custom-key")).status).toBe(403);
    expect((await post("/users/track", payload, "valid-but-restricted")).status).toBe(403);
    sim.reset();
    expect((await post("/users/track", payload, "custom-key")).status).toBe(401);
  });
});

describe("failure injection", () => {
  it("serves queued failures in order, records them, then processes normally", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    sim.failNext(1, {
      status: 429,
      headers: { "Retry-After": "2", "x-ratelimit-reset": reset, "x-ratelimit-remaining": "0" },
    });
    sim.failNext(1, { status: 503, body: "<html>upstream unavailable</html>" });

    const limited = await post("/users/track", { events: [event(1)] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("x-ratelimit-reset")).toBe(reset);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");

    const unavailable = await fetch(sim.url + "/users/track", { method: "POST", body: "{}" });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toBe("<html>upstream unavailable</html>");

    const ok = await post("/users/track", { events: [event(1)] });
    expect(ok.status).toBe(201);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 503, 201]);
    expect(sim.events()).toHaveLength(1); // the 429'd copy was never processed
  });

  it("setDown refuses connections and comes back on the same port with state kept", async () => {
    await post("/users/track", { events: [event(1)] });
    await sim.setDown(true);
    await expect(fetch(sim.url + "/users/track", { method: "POST", body: "{}" })).rejects.toMatchObject({
      cause: { code: "ECONNREFUSED" },
    });
    await sim.setDown(false);
    const res = await post("/users/track", { events: [event(2)] });
    expect(res.status).toBe(201);
    expect(sim.events().map((e) => e.external_id)).toEqual(["user-1", "user-2"]);
  });

  it("setLatency delays responses", async () => {
    sim.setLatency(150);
    const started = Date.now();
    await post("/users/track", { events: [event(1)] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("POST /users/delete", () => {
  it("deletes up to 50 identifiers and rejects more", async () => {
    const res = await post("/users/delete", {
      external_ids: ["a", "b"],
      user_aliases: [{ alias_name: "x", alias_label: "okendo" }],
      braze_ids: ["b-1"],
      email_addresses: [{ email: "ada@example.com", prioritization: ["most_recently_updated"] }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ message: "success", deleted: 5 });
    expect(sim.deletions()).toHaveLength(1);

    const tooMany = await post("/users/delete", { external_ids: Array.from({ length: 51 }, (_, i) => `u${i}`) });
    expect(tooMany.status).toBe(400);
    expect(sim.deletions()).toHaveLength(1);
  });
});

describe("routing", () => {
  it("answers 404 for unknown paths and 405 for wrong methods", async () => {
    expect((await post("/users/export/ids", {})).status).toBe(404);
    const wrong = await fetch(sim.url + "/users/track", { headers: { authorization: "Bearer valid-x" } });
    expect(wrong.status).toBe(405);
    expect(sim.requests.map((r) => [r.path, r.method, r.status])).toEqual([
      ["/users/export/ids", "POST", 404],
      ["/users/track", "GET", 405],
    ]);
  });
});

describe("HTTP control API", () => {
  async function control(path: string, body?: unknown) {
    const res = await fetch(`${sim.url}/__simulator/${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it("exposes recordings and controls the simulator without being recorded", async () => {
    expect((await control("keys", { key: "remote-key", permissions: ["users.track"] })).status).toBe(200);
    expect((await control("fail-next", { n: 1, status: 500 })).status).toBe(200);

    expect((await post("/users/track", { events: [event(1)] }, "remote-key")).status).toBe(500);
    expect(
      (await post("/users/track", { events: [event(1)], attributes: [{ external_id: "user-1", a: 1 }] }, "remote-key"))
        .status,
    ).toBe(201);
    expect((await post("/users/delete", { external_ids: ["x"] }, "remote-key")).status).toBe(403);

    const all = await control("requests");
    expect(all.body.map((r: { status: number }) => r.status)).toEqual([500, 201, 403]);
    const deletes = await control("requests?path=/users/delete");
    expect(deletes.body).toHaveLength(1);
    expect((await control("events")).body).toEqual([
      expect.objectContaining({ external_id: "user-1", apiKey: "remote-key" }),
    ]);
    expect((await control("attributes")).body).toEqual([expect.objectContaining({ a: 1 })]);

    expect((await control("latency", { ms: 100 })).status).toBe(200);
    const started = Date.now();
    await post("/users/track", { events: [event(1)] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);

    expect((await control("fail-next", { n: 0, status: 500 })).status).toBe(400);
    expect((await control("reset", {})).status).toBe(200);
    expect((await control("requests")).body).toEqual([]);
    expect((await post("/users/track", { events: [event(1)] }, "remote-key")).status).toBe(401);
    expect(sim.requests).toHaveLength(1); // control calls above were not recorded
  });
});
