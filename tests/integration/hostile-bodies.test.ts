// Bodies an attacker would choose, through HTTP against the built server: far too large (unsigned, so anyone can send
// them), and small but pathological (signed — every merchant who installs the app holds a signing secret). Each gets
// its specific 4xx at once, leaves nothing behind, and the process keeps serving everyone else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, postOkendo, type TestShop } from "../support/okendo.ts";
import { signShopifyWebhook } from "../support/shopify.ts";
import { MiB, fastestOf, rssMb, sendOversized } from "../support/hostile.ts";

let p: Pipeline;
let shop: TestShop;
let refusing: TestShop; // receives only bodies that must be refused: nothing of it may ever be stored

beforeAll(async () => {
  p = await startPipeline();
  shop = await createShop(p.db, { brazeUrl: p.braze.url });
  refusing = await createShop(p.db, { brazeUrl: p.braze.url });
});
afterAll(() => p?.stop());

// What a shop has stored; the refused bodies below go to a shop of their own, so the worker's progress elsewhere
// does not move these counts.
const stored = async (domain: string) => ({
  inbound: await p.db.inboundMessage.count({ where: { shop: domain } }),
  deliveries: await p.db.delivery.count({ where: { shop: domain } }),
});

async function timed(request: () => Promise<Response>) {
  const started = performance.now();
  const response = await request();
  const json = (await response.json().catch(() => null)) as {
    error?: string;
    problems?: string[];
    status?: string;
  } | null;
  return { status: response.status, json, ms: performance.now() - started };
}

const getHome = () => timed(() => fetch(p.app.url + "/"));

describe("bodies over every route's limit", () => {
  const routes = () => [
    shop.webhookPath,
    "/webhooks/compliance",
    "/webhooks/app/uninstalled",
    "/webhooks/app/scopes_update",
    "/webhooks/customers",
    "/flow/send-okendo-event",
    "/auth/login",
    "/app?index",
    "/",
  ];

  it("answer 64 MiB with 413 within a second, declared or streamed, and the server's memory stays put", async () => {
    // Every route answers once first, so its code is loaded and warm: what is measured is the oversized bodies.
    for (const route of routes()) await fetch(p.app.url + route, { method: "POST", body: "{}" });
    const before = rssMb(p.app.process.pid!);
    const answers: Array<{ route: string; mode: string; status: number | null; ms: number; closed: boolean }> = [];
    for (const route of routes()) {
      for (const mode of ["length", "chunked"] as const) {
        answers.push({ route, mode, ...(await sendOversized(p.app.url, route, mode, 64 * MiB)) });
      }
    }
    const grownBy = rssMb(p.app.process.pid!) - before;
    console.log(
      `[oversized] RSS ${before.toFixed(0)} MB → +${grownBy.toFixed(1)} MB; slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms`,
    );
    for (const answer of answers) {
      expect(answer, `${answer.mode} ${answer.route}`).toMatchObject({ status: 413, closed: true });
      expect(answer.ms, `${answer.mode} ${answer.route}`).toBeLessThan(1_000);
    }
    expect(grownBy).toBeLessThan(50);
  });

  it("leave the process serving pages and webhooks right after", async () => {
    await sendOversized(p.app.url, "/webhooks/compliance", "chunked", 64 * MiB);
    expect((await fetch(p.app.url + "/")).status).toBe(200);
    const { response, json } = await postOkendo(
      p.app.url,
      shop,
      envelope("Submitted Okendo Survey", { email: "after@example.com" }, { nps: 9 }),
    );
    expect(response.status).toBe(200);
    expect(json).toEqual({ status: "accepted", deliveries: 2 });
    const webhook = signShopifyWebhook("app/scopes_update", shop.domain, { current: ["read_customers"] });
    const answer = await fetch(p.app.url + "/webhooks/app/scopes_update", {
      method: "POST",
      headers: webhook.headers,
      body: webhook.body,
    });
    expect(answer.status).toBe(200);
  });
});

describe("small signed bodies that cost more than their size", () => {
  // Each of these took seconds before. The fastest of three tries counts: a slow answer on a busy machine is not what
  // these look for, a cost that grows faster than the body is (it takes seconds every time).
  async function withHomeAlongside(body: unknown, target = shop) {
    const [answer, home] = await Promise.all([
      fastestOf(3, async () => {
        const started = performance.now();
        const { response, json } = await postOkendo(p.app.url, target, body);
        return {
          status: response.status,
          json: json as { error?: string; problems?: string[]; status?: string },
          ms: performance.now() - started,
        };
      }),
      fastestOf(3, getHome),
    ]);
    expect(home.status).toBe(200);
    expect(home.ms).toBeLessThan(200);
    return answer;
  }

  it("a 63 KB envelope of thousands of small nested properties is accepted in under 200 ms", async () => {
    const properties = Object.fromEntries(Array.from({ length: 6_000 }, (_, i) => [`p${i}`, [i]]));
    const body = envelope("Submitted Okendo Survey", { email: "many@example.com" }, properties);
    expect(JSON.stringify(body).length).toBeGreaterThan(60_000);
    const answer = await withHomeAlongside(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "accepted", deliveries: 2 });
    expect(answer.ms).toBeLessThan(200);
  });

  it("a 1,000,000-character event name gets 422 in under 200 ms, echoed in part only, and nothing is stored", async () => {
    const before = await stored(refusing.domain);
    const name = "Okendo Review Created".repeat(47_620).slice(0, 1_000_000);
    const answer = await withHomeAlongside(envelope(name, { email: "long@example.com" }), refusing);
    expect(answer.status).toBe(422);
    expect(answer.json.problems).toEqual([
      expect.stringMatching(/^event: ".{80}"… \(1000000 characters\) is not a catalog event name/),
    ]);
    expect(answer.ms).toBeLessThan(200);
    expect(await stored(refusing.domain)).toEqual(before);
  });

  it.each(["properties", "attributes"])(
    "6,000 levels of nesting in %s get 422 naming where, and nothing is stored",
    async (field) => {
      const before = await stored(refusing.domain);
      // Written as text: JSON.stringify itself cannot go this deep.
      const deep = `${'{"a":'.repeat(6_000)}1${"}".repeat(6_000)}`;
      const rest = JSON.stringify(envelope("Submitted Okendo Survey", { email: "deep@example.com" })).slice(1, -1);
      const body = `{${rest.replace(/,"properties":\{\}/, "")},"${field}":${deep}${field === "attributes" ? ',"properties":{}' : ""}}`;
      expect(body.length).toBeLessThan(40_000);
      const answer = await withHomeAlongside(body, refusing);
      expect(answer.status).toBe(422);
      expect(answer.json.problems).toEqual([`${field}${".a".repeat(31)}: nested deeper than 32 levels`]);
      expect(answer.ms).toBeLessThan(200);
      expect(await stored(refusing.domain)).toEqual(before);
    },
  );
});

describe("privacy requests for a customer named in a deeply nested stored body", () => {
  it("data_request and redact complete, whatever was stored before the ingress limited nesting", async () => {
    const email = "deep.stored@example.com";
    // As the ingress stored unmapped bodies before it checked their depth (written as text: JSON.stringify itself
    // cannot go this deep).
    const payload = `{"resource":${"[".repeat(20_000)}{"customer":{"email":"${email}"}}${"]".repeat(20_000)}}`;
    const inbound = await p.db.inboundMessage.create({
      data: { shop: shop.domain, source: "okendo", dedupeKey: crypto.randomUUID(), payload, status: "unmapped" },
    });
    await p.db.delivery.create({
      data: {
        shop: shop.domain,
        inboundId: inbound.id,
        kind: "unmapped",
        identifierType: "none",
        customerKey: "",
        payload: "null",
        status: "unmapped",
      },
    });

    const send = async (topic: string) => {
      const webhook = signShopifyWebhook(topic, shop.domain, { customer: { id: 991, email }, orders_requested: [] });
      const response = await fetch(p.app.url + "/webhooks/compliance", {
        method: "POST",
        headers: webhook.headers,
        body: webhook.body,
      });
      expect(response.status, topic).toBe(200);
    };
    await send("customers/data_request");
    const report = await p.db.privacyRequest.findFirstOrThrow({
      where: { shop: shop.domain, topic: "customers/data_request" },
    });
    // The message is in the report, as the text it was stored as.
    expect(JSON.parse(report.outcome).stored).toContainEqual(
      expect.objectContaining({ what: expect.stringContaining("Messages received") }),
    );
    await send("customers/redact");
    expect(await p.db.inboundMessage.count({ where: { id: inbound.id } })).toBe(0);
  });
});
