// Missed-webhook recovery (app/okendo/recovery.server.ts), through the built server: Okendo (the simulator) loses a
// review's delivery upstream, the periodic reconciliation finds the review through Okendo's Merchant API and
// forwards it once; what the webhooks did deliver is never taken again; a late webhook for a recovered review is a
// duplicate; Okendo's failures are recorded and the next check still runs; and with several worker processes only
// one reconciles a shop at a time. Checks run every 500 ms here (hourly by default), with no grace period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerProcess, testDialect, type ChildHandle } from "../support/app-server.ts";
import { adminPageText, connectOkendoThroughSettings, createShop, waitFor, type TestShop } from "../support/okendo.ts";
import { startOkendoSimulator, type Account, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { receivedBy, settled, sleep, startPipelineReachableByOkendo, type Pipeline } from "../support/pipeline.ts";
import { signShopifyWebhook } from "../support/shopify.ts";

const INTERVAL_MS = 500;
let p: Pipeline;
let okendo: OkendoSimulator;

beforeAll(async () => {
  okendo = await startOkendoSimulator({ retryDelaysMs: [50] });
  p = await startPipelineReachableByOkendo(okendo.url, {
    OKENDO_RECOVERY_INTERVAL_MS: String(INTERVAL_MS),
    OKENDO_RECOVERY_GRACE_MS: "0",
  });
}, 60_000);
afterAll(async () => {
  await p?.stop();
  await okendo?.close();
});

interface Shop extends TestShop {
  apiKey: string;
  account: Account;
}

async function connectedShop(options: { identifyByCustomerId?: boolean } = {}): Promise<Shop> {
  const apiKey = `valid-${crypto.randomUUID()}`;
  const shop = await createShop(p.db, { brazeUrl: p.braze.url, apiKey, ...options });
  const account = okendo.addAccount();
  await connectOkendoThroughSettings(p.app.url, shop.domain, account);
  return { ...shop, apiKey, account };
}

const reviewsCreated = (shop: Shop, reviewId: string) =>
  receivedBy(p.braze, shop.apiKey).filter(
    (o) =>
      o.type === "event" &&
      o.object.name === "Okendo Review Created" &&
      (o.object.properties as { review_id?: string }).review_id === reviewId,
  );

// Waits for a reconciliation of the shop that started after this call (its outcome recorded).
async function nextCheck(shop: Shop) {
  const after = new Date();
  return waitFor(async () => {
    const row = await p.db.okendoConnection.findUniqueOrThrow({ where: { shop: shop.domain } });
    return row.recoveryLastRunAt && row.recoveryLastRunAt > after && row;
  });
}

// Waits until nothing of the shop is still going out, and a little longer: anything sent twice would show by then.
async function quiet(shop: Shop) {
  await waitFor(() => settled(p.db, shop.domain));
  await sleep(300);
}

function newReview(shop: Shop, email = `reviewer-${crypto.randomUUID().slice(0, 8)}@example.com`) {
  return okendo.addReview(shop.account.userId, { reviewer: { email, name: "Rae Viewer" } }) as { reviewId: string };
}

describe(`missed-webhook recovery on ${testDialect()}`, () => {
  it("recovers a review whose webhook Okendo lost: Braze gets it once, Activity says Recovered, Settings counts it, a late webhook is a duplicate", async () => {
    const shop = await connectedShop();
    okendo.dropNextDeliveries(1);
    const review = newReview(shop);
    expect(okendo.deliveries.find((d) => d.body.includes(review.reviewId))?.outcome).toBe("dropped");

    await waitFor(() => reviewsCreated(shop, review.reviewId).length > 0);
    await quiet(shop);
    expect(reviewsCreated(shop, review.reviewId)).toHaveLength(1);
    expect(
      await p.db.knownReview.findUniqueOrThrow({
        where: { shop_reviewId: { shop: shop.domain, reviewId: review.reviewId } },
      }),
    ).toMatchObject({ source: "recovery" });

    const activity = await adminPageText(p.app.url, shop.domain, "/app/activity");
    expect(activity).toMatch(/· Recovered .{0,80}Okendo Review Created/);
    const settings = await adminPageText(p.app.url, shop.domain, "/app/settings");
    expect(settings).toContain("1 review recovered that Okendo's webhooks missed.");
    expect(settings).toMatch(/Last checked \d/);

    // Okendo's webhook for it turns up after all (a retry, or a redelivery from Okendo's side): not forwarded again.
    const [late] = okendo.deliver(shop.account.userId, "review.create", okendo.reviews(shop.account.userId)[0]!);
    await okendo.settled();
    expect(late!.outcome).toBe("delivered");
    await quiet(shop);
    expect(reviewsCreated(shop, review.reviewId)).toHaveLength(1);
    const rows = await p.db.delivery.findMany({ where: { shop: shop.domain, inbound: { source: "okendo" } } });
    expect(rows.map((row) => row.lastError ?? row.note)).toContain(
      `Already received: review ${review.reviewId} reached this shop before.`,
    );
  });

  it("never takes again what the webhooks delivered, and counts only what they missed", async () => {
    const shop = await connectedShop();
    const delivered = [newReview(shop), newReview(shop)];
    await okendo.settled();
    okendo.dropNextDeliveries(1);
    const missed = newReview(shop);
    await waitFor(() => reviewsCreated(shop, missed.reviewId).length > 0);
    await nextCheck(shop); // at least one full check after everything was in Okendo
    await quiet(shop);

    for (const review of delivered) expect(reviewsCreated(shop, review.reviewId)).toHaveLength(1);
    expect(reviewsCreated(shop, missed.reviewId)).toHaveLength(1);
    const recovered = await p.db.inboundMessage.findMany({ where: { shop: shop.domain, source: "recovery" } });
    expect(recovered.map((m) => m.dedupeKey)).toEqual([missed.reviewId]);
    expect(await adminPageText(p.app.url, shop.domain, "/app/settings")).toContain(
      "1 review recovered that Okendo's webhooks missed.",
    );
  });

  it("records Okendo's refusal (401) or outage (503), keeps checking, and recovers once Okendo answers again", async () => {
    const shop = await connectedShop();
    await nextCheck(shop);
    okendo.failNext(1, { status: 401 }, { userId: shop.account.userId, method: "GET" });
    await waitFor(async () => {
      const row = await p.db.okendoConnection.findUniqueOrThrow({ where: { shop: shop.domain } });
      return row.recoveryLastError?.includes("Okendo did not accept this Okendo User ID and API Key");
    });
    okendo.failNext(1, { status: 503 }, { userId: shop.account.userId, method: "GET" });
    await waitFor(async () => {
      const row = await p.db.okendoConnection.findUniqueOrThrow({ where: { shop: shop.domain } });
      return row.recoveryLastError?.includes("HTTP 503");
    });

    okendo.dropNextDeliveries(1);
    const review = newReview(shop);
    await waitFor(() => reviewsCreated(shop, review.reviewId).length > 0);
    const row = await nextCheck(shop);
    expect(row!.recoveryLastError).toBeNull();
  });

  it("a customer erased by Shopify's customers/redact is not brought back by the next check", async () => {
    const shop = await connectedShop();
    const email = "erase.me@example.com";
    const review = newReview(shop, email); // its webhook arrives
    await waitFor(() => reviewsCreated(shop, review.reviewId).length > 0);
    await quiet(shop);

    const redact = signShopifyWebhook("customers/redact", shop.domain, {
      shop_domain: shop.domain,
      customer: { email },
      orders_to_redact: [],
    });
    const answer = await fetch(`${p.app.url}/webhooks/compliance`, {
      method: "POST",
      headers: redact.headers,
      body: redact.body,
    });
    expect(answer.status).toBe(200);
    expect(await p.db.delivery.count({ where: { shop: shop.domain, kind: "event" } })).toBe(0);

    // The review is still in Okendo, within the look-back window.
    await nextCheck(shop);
    await nextCheck(shop);
    expect(await p.db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
    expect(await p.db.delivery.count({ where: { shop: shop.domain, kind: "event" } })).toBe(0);
  });

  it("a review written before the shop connected is not forwarded as new", async () => {
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(p.db, { brazeUrl: p.braze.url, apiKey });
    const account = okendo.addAccount();
    const old = okendo.addReview(account.userId, { reviewer: { email: "early@example.com", name: "Early" } });
    await connectOkendoThroughSettings(p.app.url, shop.domain, account);
    const connected = { ...shop, apiKey, account };
    await nextCheck(connected);
    await nextCheck(connected);
    expect(reviewsCreated(connected, old.reviewId as string)).toHaveLength(0);
    expect(await p.db.inboundMessage.count({ where: { shop: shop.domain } })).toBe(0);
  });
});

describe(`several worker processes on ${testDialect()}`, () => {
  let workers: ChildHandle[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });

  it("only one process reconciles a shop at a time, and each missed review is recovered once", async () => {
    // Two `npm run worker` processes beside the web process's own worker: three reconcilers on one database.
    workers = [1, 2].map(() => startWorkerProcess(p.app, { DELIVERY_POLL_MS: "50" }));
    // Identified by email: the worker processes have no stand-in for Shopify's customer look-up.
    const shop = await connectedShop({ identifyByCustomerId: false });
    okendo.dropNextDeliveries(5);
    const reviews = Array.from({ length: 5 }, () => newReview(shop));
    await waitFor(() => reviews.every((r) => reviewsCreated(shop, r.reviewId).length > 0), 30_000);
    for (let i = 0; i < 4; i++) await nextCheck(shop);
    await quiet(shop);

    for (const review of reviews) expect(reviewsCreated(shop, review.reviewId)).toHaveLength(1);
    expect(await p.db.inboundMessage.count({ where: { shop: shop.domain, source: "recovery" } })).toBe(5);
    // Each check starts at least one interval after the previous one finished: no two ran side by side.
    const checks = okendo.requests
      // Connect's credentials check asks for one review; a check reads pages of 100.
      .filter((r) => r.user === shop.account.userId && r.path === "/reviews" && r.query.limit === "100")
      .map((r) => r.receivedAt);
    expect(checks.length).toBeGreaterThanOrEqual(5);
    const gaps = checks.slice(1).map((at, i) => at - checks[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
    for (const worker of workers) expect(worker.output()).not.toMatch(/okendo-recovery\].*failed/);
  });
});
