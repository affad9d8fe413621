// Liveness and readiness through HTTP against the built server: /healthz answers while the process does; /readyz
// is 200 only when the database answers, the migrations are applied as committed, and a delivery worker is alive.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, startWorkerProcess, type AppServer } from "../support/app-server.ts";
import { openDatabase } from "../support/shopify.ts";

let embedded: AppServer; // the default: the delivery worker runs inside the web process
let webOnly: AppServer; // DELIVERY_WORKER=off, as in the scale-out shape
let db: PrismaClient;

beforeAll(async () => {
  [embedded, webOnly] = await Promise.all([startAppServer(), startAppServer({ DELIVERY_WORKER: "off" })]);
  db = openDatabase(webOnly.databaseUrl);
});

afterAll(async () => {
  await db?.$disconnect();
  await Promise.all([embedded?.stop(), webOnly?.stop()]);
});

async function probe(server: AppServer, path: "/healthz" | "/readyz") {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, cache: response.headers.get("cache-control"), body: await response.json() };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

it("/healthz answers 200 while the process runs", async () => {
  const { status, cache, body } = await probe(webOnly, "/healthz");
  expect(status).toBe(200);
  expect(cache).toBe("no-store");
  expect(body).toMatchObject({ status: "ok", uptimeSeconds: expect.any(Number) });
});

it("/readyz is 200 with the in-process worker: database, migrations and worker all ok", async () => {
  const ready = await eventually(
    () => probe(embedded, "/readyz"),
    (result) => result.status === 200,
  );
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({
    status: "ready",
    checks: {
      database: { ok: true, detail: expect.stringMatching(/reachable$/) },
      migrations: { ok: true, detail: expect.stringMatching(/^(\d+) of \1 applied$/) },
      worker: { ok: true, detail: "1 delivery worker alive" },
    },
  });
});

it("/readyz is 503 without a worker, 200 while an `npm run worker` process runs, 503 again after it stops", async () => {
  const before = await probe(webOnly, "/readyz");
  expect(before.status).toBe(503);
  expect(before.body.status).toBe("not ready");
  expect(before.body.checks.worker).toEqual({ ok: false, detail: expect.stringContaining("no delivery worker") });
  expect(before.body.checks.database.ok).toBe(true);
  expect(before.body.checks.migrations.ok).toBe(true);

  const worker = startWorkerProcess(webOnly);
  try {
    const during = await eventually(
      () => probe(webOnly, "/readyz"),
      (result) => result.status === 200,
    );
    expect(during.status).toBe(200);
  } finally {
    await worker.stop();
  }
  // A clean stop removes the worker's heartbeat at once: no 30-second wait for it to go stale.
  const after = await probe(webOnly, "/readyz");
  expect(after.status).toBe(503);
  expect(await db.workerHeartbeat.count()).toBe(0);
});

it("/readyz is 503 when a worker's heartbeat is stale, naming the last beat", async () => {
  const beatAt = new Date(Date.now() - 5 * 60_000);
  await db.workerHeartbeat.create({ data: { workerId: "gone:1", startedAt: beatAt, beatAt } });
  try {
    const { status, body } = await probe(webOnly, "/readyz");
    expect(status).toBe(503);
    expect(body.checks.worker.detail).toContain(`last beat ${beatAt.toISOString()}`);
  } finally {
    await db.workerHeartbeat.deleteMany({ where: { workerId: "gone:1" } });
  }
});

it("/readyz is 503 when a committed migration is missing from the ledger or was edited after it was applied", async () => {
  const [first] = await db.$queryRawUnsafe<Array<{ name: string; checksum: string }>>(
    'SELECT name, checksum FROM "_app_migrations" ORDER BY name',
  );
  const restore = () =>
    db.$executeRawUnsafe(`UPDATE "_app_migrations" SET checksum = '${first!.checksum}' WHERE name = '${first!.name}'`);
  try {
    await db.$executeRawUnsafe(`UPDATE "_app_migrations" SET checksum = 'edited' WHERE name = '${first!.name}'`);
    const edited = await probe(webOnly, "/readyz");
    expect(edited.status).toBe(503);
    expect(edited.body.checks.migrations).toEqual({
      ok: false,
      detail: `changed after they were applied: ${first!.name}`,
    });
  } finally {
    await restore();
  }

  const [last] = await db.$queryRawUnsafe<Array<{ name: string; applied_at: string; checksum: string }>>(
    'SELECT name, applied_at, checksum FROM "_app_migrations" ORDER BY name DESC',
  );
  await db.$executeRawUnsafe(`DELETE FROM "_app_migrations" WHERE name = '${last!.name}'`);
  try {
    const pending = await probe(webOnly, "/readyz");
    expect(pending.status).toBe(503);
    expect(pending.body.checks.migrations.detail).toBe(`not applied: ${last!.name} (npm start applies them)`);
  } finally {
    await db.$executeRawUnsafe(
      `INSERT INTO "_app_migrations" (name, applied_at, checksum) VALUES ('${last!.name}', '${last!.applied_at}', '${last!.checksum}')`,
    );
  }
  expect((await probe(webOnly, "/healthz")).status).toBe(200); // liveness does not depend on any of this
});
