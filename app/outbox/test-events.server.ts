// "Send test events": one sample of each switched-on catalog event (the catalog's own samples) for a clearly
// named test user, as Okendo does on connect, so a merchant can build Canvases before real traffic. Like any other
// message it goes through the outbox — an inbound message with source "test" and its Delivery rows — and the worker
// sends it; the settings screen shows each event's outcome from those rows. Test events are not counted as received.
import prisma from "../db.server";
import { sampleEvent } from "../catalog/events";
import { CATALOG_EVENT_NAMES } from "../catalog/names";
import type { Identity } from "../identity/resolve.server";
import { switchedOffEvents } from "../settings/events.server";
import { DeliveryStatus } from "./delivery-status";
import { accept } from "./accept.server";

export const TEST_USER = Object.freeze({
  externalId: "okendo-braze-test-user",
  email: "okendo-test-user@example.com",
  firstName: "Okendo",
  lastName: "Test User",
});

export const TEST_SOURCE = "test";

// Always the same external_id, whatever the shop's identification setting: one recognizable profile in Braze.
const TEST_IDENTITY: Identity = {
  kind: "identified",
  identifier: { external_id: TEST_USER.externalId },
  identifierType: "external_id",
  customerKey: TEST_USER.externalId,
  email: TEST_USER.email,
  note: "Test event sent from Settings.",
};

export type SendTestEventsResult = { ok: true; events: number } | { ok: false; error: string };

export async function sendTestEvents(shop: string, now = new Date()): Promise<SendTestEventsResult> {
  const row = await prisma.shop.findUnique({
    where: { domain: shop },
    select: { connectionStatus: true, identifyByCustomerId: true },
  });
  if (row?.connectionStatus !== "connected") {
    return { ok: false, error: "Connect to Braze with a valid API key before sending test events." };
  }
  const off = await switchedOffEvents(prisma, shop);
  const names = CATALOG_EVENT_NAMES.filter((name) => !off.has(name));
  if (names.length === 0)
    return { ok: false, error: "Every event is switched off. Switch on the events you want to test." };

  const customer = { email: TEST_USER.email, firstName: TEST_USER.firstName, lastName: TEST_USER.lastName };
  const events = names.map((name) => sampleEvent(name, customer, now.toISOString()));
  // Through the outbox like any message; not a first reading: test events are neither counted as received nor
  // folded into review totals.
  await accept(
    {
      shop: { domain: shop, identifyByCustomerId: row.identifyByCustomerId },
      source: TEST_SOURCE,
      dedupeKey: crypto.randomUUID(),
      rawBody: JSON.stringify({ testUser: TEST_USER, events }),
      receivedAt: now,
    },
    { kind: "mapped", messages: events },
    { identity: TEST_IDENTITY, firstReading: false },
  );
  return { ok: true, events: names.length };
}

// One event's outcome: the event object and its attribute object (when it has one) must both reach Braze.
export type TestEventStatus = "sending" | "retrying" | "delivered" | "failed";

export interface TestEventResult {
  eventName: string;
  status: TestEventStatus;
  reason: string | null;
  nextAttemptAt: string | null;
}

export interface TestRunView {
  sentAt: string;
  results: TestEventResult[];
  // Some rows are still queued or retrying: the screen keeps checking.
  inProgress: boolean;
}

const FAILED = new Set<string>([DeliveryStatus.failed, DeliveryStatus.deadLetter]);

export async function latestTestRun(shop: string): Promise<TestRunView | null> {
  const run = await prisma.inboundMessage.findFirst({
    where: { shop, source: TEST_SOURCE },
    orderBy: { receivedAt: "desc" },
    select: {
      receivedAt: true,
      deliveries: {
        select: { eventName: true, status: true, lastError: true, nextAttemptAt: true },
        orderBy: { id: "asc" },
      },
    },
  });
  if (!run) return null;

  const byEvent = new Map<string, (typeof run.deliveries)[number][]>();
  for (const row of run.deliveries) {
    if (!row.eventName) continue;
    byEvent.set(row.eventName, [...(byEvent.get(row.eventName) ?? []), row]);
  }
  const results = [...byEvent].map(([eventName, rows]): TestEventResult => {
    const failed = rows.find((row) => FAILED.has(row.status));
    if (failed) return { eventName, status: "failed", reason: failed.lastError, nextAttemptAt: null };
    const retrying = rows.find((row) => row.status === DeliveryStatus.retrying);
    if (retrying) {
      return {
        eventName,
        status: "retrying",
        reason: retrying.lastError,
        nextAttemptAt: retrying.nextAttemptAt.toISOString(),
      };
    }
    if (rows.some((row) => row.status === DeliveryStatus.queued))
      return { eventName, status: "sending", reason: null, nextAttemptAt: null };
    return { eventName, status: "delivered", reason: null, nextAttemptAt: null };
  });
  return {
    sentAt: run.receivedAt.toISOString(),
    results,
    inProgress: results.some((result) => result.status === "sending" || result.status === "retrying"),
  };
}
