// The reconciliation's claim on a shop (app/okendo/recovery.server.ts), on a real database of the project's dialect
// (TEST_DIALECT) with Okendo's Merchant API replaced by the simulator: checks started at the same moment — as
// several worker processes' checks may be — run one reconciliation of a shop between them, and the next one waits
// for the interval. Okendo's deliveries go to an address where nothing listens, so every review is "missed".
// The app's modules read DATABASE_URL when first imported, so they are imported once the database exists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOkendoSimulator, type OkendoSimulator } from "../support/okendo-simulator.ts";
import { migratedDatabase, type MigratedDatabase } from "../support/okendo-api.ts";
import { freePort, testDialect } from "../support/app-server.ts";
import { TEST_ENCRYPTION_KEY } from "../support/test-env.ts";

type Recovery = typeof import("../../app/okendo/recovery.server.ts");
type Connection = typeof import("../../app/okendo/connection.server.ts");

let sim: OkendoSimulator;
let database: MigratedDatabase;
let recovery: Recovery;
let connection: Connection;

beforeAll(async () => {
  sim = await startOkendoSimulator({ retryDelaysMs: [], rateLimit: null });
  database = await migratedDatabase();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    SHOPIFY_APP_URL: `http://127.0.0.1:${await freePort()}`, // nothing listens: each delivery fails
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    OKENDO_EXTRA_API_URLS: sim.url,
  });
  connection = await import("../../app/okendo/connection.server.ts");
  recovery = await import("../../app/okendo/recovery.server.ts");
}, 60_000);

afterAll(async () => {
  const { prisma } = await import("../../app/db.server.ts");
  await prisma.$disconnect();
  await (await import("../../app/store/index.server.ts")).store().close();
  await sim.close();
  await database.close();
});

async function connectedShopWithMissedReviews(count: number) {
  const account = sim.addAccount();
  const shop = `recovery-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  expect(await connection.connectOkendo(shop, account)).toEqual({ ok: true });
  const reviews = Array.from(
    { length: count },
    (_, i) => sim.addReview(account.userId, { reviewer: { email: `missed-${i}@example.com` } }).reviewId as string,
  );
  await sim.settled();
  expect(sim.deliveries.filter((d) => reviews.some((id) => d.body.includes(id))).map((d) => d.outcome)).toEqual(
    reviews.map(() => "failed"),
  );
  return { shop, account, reviews };
}

const reviewChecks = (userId: string) =>
  sim.requests.filter((r) => r.user === userId && r.path === "/reviews" && r.query.limit === "100");

describe(`reconciliation claims on ${testDialect()}`, () => {
  it("checks started together reconcile a shop once; the next check waits for the interval", async () => {
    const { shop, account, reviews } = await connectedShopWithMissedReviews(3);
    const options = { intervalMs: 0, lookbackMs: 3_600_000, graceMs: 0 };

    const together = await Promise.all([1, 2, 3, 4].map(() => recovery.reconcileDueShops(options)));
    const runs = together.flat().filter((run) => run.shop === shop);
    expect(runs).toEqual([{ shop, recovered: 3, read: 3, error: null }]);
    expect(reviewChecks(account.userId)).toHaveLength(1);

    const db = database.db;
    const recovered = await db.knownReview.findMany({ where: { shop }, orderBy: { reviewId: "asc" } });
    expect(recovered.map((r) => [r.reviewId, r.source])).toEqual([...reviews].sort().map((id) => [id, "recovery"]));
    expect(await db.inboundMessage.count({ where: { shop, source: "recovery" } })).toBe(3);
    expect(await db.delivery.count({ where: { shop, kind: "event" } })).toBe(3); // on their way to Braze

    // Due again at once (the last check set its successor 0 ms ahead): it reads Okendo again and takes nothing
    // twice. Run hourly, it sets the next check an hour ahead, and the shop is not due until then.
    const hourly = { ...options, intervalMs: 3_600_000 };
    const again = (await recovery.reconcileDueShops(hourly)).filter((run) => run.shop === shop);
    expect(again).toEqual([{ shop, recovered: 0, read: 3, error: null }]);
    expect((await recovery.reconcileDueShops(options)).filter((run) => run.shop === shop)).toEqual([]);
    expect(reviewChecks(account.userId)).toHaveLength(2);
    expect(await db.inboundMessage.count({ where: { shop, source: "recovery" } })).toBe(3);

    expect(await recovery.okendoRecoveryView(shop, options)).toMatchObject({ recovered: 3, lastError: null });
  });

  it("a busy shop: a check follows Okendo's nextUrl through every page of the window, at Okendo's rate", async () => {
    const { shop, account, reviews } = await connectedShopWithMissedReviews(250);
    const options = { intervalMs: 0, lookbackMs: 3_600_000, graceMs: 0 };
    const started = Date.now();
    const [run] = (await recovery.reconcileDueShops(options)).filter((r) => r.shop === shop);
    const tookMs = Date.now() - started;
    expect(run).toEqual({ shop, recovered: 250, read: 250, error: null });
    const pages = reviewChecks(account.userId);
    expect(pages.map((r) => Boolean(r.query.lastEvaluated))).toEqual([false, true, true]);
    const gaps = pages.slice(1).map((r, i) => r.receivedAt - pages[i]!.receivedAt);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(450); // 2 requests a second (the shared limiter)
    expect(
      await database.db.knownReview.count({ where: { shop, source: "recovery", reviewId: { in: reviews } } }),
    ).toBe(250);
    console.log(`[measure] ${testDialect()}: one check recovered 250 reviews from 3 pages in ${tookMs} ms`);
  });

  it("a shop whose check fails is recorded with Okendo's message and is due again after the interval", async () => {
    const { shop, account } = await connectedShopWithMissedReviews(1);
    sim.failNext(1, { status: 401 }, { userId: account.userId, method: "GET" });
    const options = { intervalMs: 0, lookbackMs: 3_600_000, graceMs: 0 };
    const [failed] = (await recovery.reconcileDueShops(options)).filter((run) => run.shop === shop);
    expect(failed).toMatchObject({ recovered: 0, error: expect.stringContaining("did not accept") });
    expect(await recovery.okendoRecoveryView(shop, options)).toMatchObject({
      recovered: 0,
      lastError: expect.stringContaining("did not accept"),
    });
    const [next] = (await recovery.reconcileDueShops(options)).filter((run) => run.shop === shop);
    expect(next).toEqual({ shop, recovered: 1, read: 1, error: null });
  });
});
