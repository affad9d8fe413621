// ENCRYPTION_KEY, as an operator meets it: the app refuses to start without a usable key; a key that cannot open
// what is stored pauses deliveries (the merchant's connection is not "broken" for the operator's mistake) until the
// right key is back; and `npm run rotate-keys` moves everything to a new key so the old one can go.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { freshDatabase, spawnNode, startAppServer, type AppServer } from "../support/app-server.ts";
import { startBrazeSimulator, type BrazeSimulator } from "../support/braze-simulator.ts";
import { createShop, postOkendo, waitFor } from "../support/okendo.ts";
import { envelope } from "../support/pipeline.ts";
import { openDatabase } from "../support/shopify.ts";
import { TEST_ENCRYPTION_KEY, appEnv } from "../support/test-env.ts";

const run = promisify(execFile);
const OTHER_KEY = Buffer.alloc(32, 7).toString("base64");

let simulator: BrazeSimulator;
beforeAll(async () => {
  simulator = await startBrazeSimulator();
});
afterAll(() => simulator?.close());

// Starts `script` with the environment given and waits for it to exit; what it printed and its exit code.
async function exitOf(script: string, env: Record<string, string | undefined>) {
  const child = spawnNode(script, env as Record<string, string>);
  const code = await new Promise<number | null>((resolve) => child.process.once("exit", resolve));
  return { code, output: child.output() };
}

describe("starting without a usable key", () => {
  const withoutKey = (extra: Record<string, string> = {}) => {
    const { ENCRYPTION_KEY: _key, NODE_ENV: _mode, ...env } = appEnv({ PORT: "0" }); // as `npm start` runs it
    return { ...env, ...extra };
  };

  it.each([
    ["the server", "server.mjs"],
    ["a worker", "worker.mjs"],
  ])("%s refuses to start without ENCRYPTION_KEY, in one line", async (_, script) => {
    const { code, output } = await exitOf(script, withoutKey());
    expect(code).toBe(1);
    expect(output.trim().split("\n").at(-1)).toMatch(/not starting: ENCRYPTION_KEY is not set\. Generate one with: /);
  });

  it("refuses a key that is not 32 bytes, without printing it", async () => {
    const { code, output } = await exitOf("server.mjs", withoutKey({ ENCRYPTION_KEY: "tooshort" }));
    expect(code).toBe(1);
    expect(output).toMatch(/not starting: ENCRYPTION_KEY entry #1 is not a valid key/);
    expect(output).not.toContain("tooshort");
  });
});

describe("a key that cannot open what is stored", () => {
  let database: { url: string; drop(): Promise<void> };
  let db: PrismaClient;
  const servers: AppServer[] = [];
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await db?.$disconnect();
    await database?.drop();
  });

  it("pauses deliveries without breaking the connection, and they resume by themselves once the key is back", async () => {
    const env = { DATABASE_URL: database.url, BRAZE_EXTRA_ENDPOINTS: simulator.url, DELIVERY_POLL_MS: "50" };
    // Accepted with the right key while no worker runs, so the events wait in the outbox.
    const first = await startAppServer({ ...env, DELIVERY_WORKER: "off" });
    servers.push(first);
    db = openDatabase(database.url);
    const apiKey = `valid-${crypto.randomUUID()}`;
    const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
    for (let n = 0; n < 3; n++) {
      const { response } = await postOkendo(
        first.url,
        shop,
        envelope("Submitted Okendo Survey", { email: `k${n}@example.com` }, { nps: 9 }),
      );
      expect(response.status).toBe(200);
    }
    await first.stop();

    // The operator starts the app with another key: deliveries pause, with the reason; the merchant's Braze
    // connection stays "connected"; Okendo's deliveries get 503 (retried by Okendo), not 401 or 500.
    const wrong = await startAppServer({ ...env, ENCRYPTION_KEY: OTHER_KEY });
    servers.push(wrong);
    const paused = await waitFor(async () => {
      const row = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
      return row.deliveryPausedReason !== null && row;
    });
    expect(paused.connectionStatus).toBe("connected");
    expect(paused.deliveryPausedReason).toMatch(/Deliveries are paused: the app cannot read the stored Braze key/);
    const refused = await postOkendo(wrong.url, shop, envelope("Submitted Okendo Survey", { email: "k9@example.com" }));
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get("retry-after")).toBe("60");
    expect(simulator.requests.filter((r) => r.apiKey === apiKey)).toEqual([]);
    await wrong.stop();

    // The right key is back (alongside the new one): everything goes out, nothing was lost, the pause is gone.
    const fixed = await startAppServer({
      ...env,
      ENCRYPTION_KEY: `${OTHER_KEY},${TEST_ENCRYPTION_KEY}`,
      DELIVERY_RETRY_BASE_MS: "200",
    });
    servers.push(fixed);
    // The pause set by the wrong key expires after a minute; restarting with the right key need not wait for it.
    await db.shop.update({ where: { domain: shop.domain }, data: { deliveryPausedUntil: new Date() } });
    await waitFor(() => simulator.events().filter((e) => e.apiKey === apiKey).length === 3, 15_000);
    const row = await waitFor(async () => {
      const current = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
      return current.deliveryPausedReason === null && current;
    });
    expect(row.connectionStatus).toBe("connected");
  });
});

describe("npm run rotate-keys", () => {
  it("re-seals every stored secret under the new key, after which the old key can be dropped", async () => {
    const database = await freshDatabase();
    const first = await startAppServer({ DATABASE_URL: database.url, BRAZE_EXTRA_ENDPOINTS: simulator.url });
    const db = openDatabase(database.url);
    try {
      const apiKey = `valid-${crypto.randomUUID()}`;
      const shop = await createShop(db, { brazeUrl: simulator.url, apiKey, identifyByCustomerId: false });
      await first.stop();

      const rotated = await run(process.execPath, ["scripts/rotate-keys.mjs"], {
        env: { ...process.env, ...first.env, ENCRYPTION_KEY: `${OTHER_KEY},${TEST_ENCRYPTION_KEY}` },
      });
      expect(rotated.stdout).toMatch(/re-sealed 2 value\(s\) under the current key; 0 already were\./);
      expect(rotated.stdout).toContain("the older keys may be dropped");

      const again = await run(process.execPath, ["scripts/rotate-keys.mjs"], {
        env: { ...process.env, ...first.env, ENCRYPTION_KEY: OTHER_KEY },
      });
      expect(again.stdout).toMatch(/re-sealed 0 value\(s\) under the current key; 2 already were\./);

      // Only the new key from now on: the signing secret and the Braze key still open.
      const next = await startAppServer({
        DATABASE_URL: database.url,
        BRAZE_EXTRA_ENDPOINTS: simulator.url,
        ENCRYPTION_KEY: OTHER_KEY,
        DELIVERY_POLL_MS: "50",
      });
      try {
        const { response } = await postOkendo(
          next.url,
          shop,
          envelope("Submitted Okendo Survey", { email: "rotated@example.com" }),
        );
        expect(response.status).toBe(200);
        await waitFor(() => simulator.events().some((e) => e.apiKey === apiKey));
      } finally {
        await next.stop();
      }
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  });
});
