// What this app holds about one customer of a shop, and Shopify's two per-customer privacy requests about it:
// customers/data_request (report it to the merchant) and customers/redact (erase it here and in Braze).
//
// A customer can be stored under several spellings: the Shopify customer ID (as Braze external_id, in the identity
// cache, as "shopify:<id>" state key), the normalized email (as external_id when the shop identifies by email, as
// Braze's email identifier, as state key), and inside the raw inbound payloads. All are looked up here.
import type { Prisma } from "@prisma/client";
import { normalizeEmail, normalizeShopifyCustomerId } from "../catalog/messages";
import { parseJson } from "../http/json";
import { customerStateKeys } from "../customers/state-key";
import { DeliveryKind, PENDING_STATUSES } from "../outbox/delivery-status";
import { enqueueUserDeletion } from "../outbox/transitions.server";
import { BRAZE_MAX_DELETE_IDENTIFIERS, brazeDeletionRequests } from "./braze-deletion";

type Tx = Prisma.TransactionClient;

// The customer key of a review whose customer was erased (customers/redact).
const FORGOTTEN_CUSTOMER = "";

export interface PrivacySubject {
  customerIds: string[];
  emails: string[];
}

interface CustomerPrivacyPayload {
  customer?: { id?: unknown; email?: unknown };
}

// Who the request is about, as Shopify names them (customer.id, customer.email).
export function subjectOf(payload: unknown): PrivacySubject {
  const customer = (payload as CustomerPrivacyPayload | null)?.customer ?? {};
  const customerId = normalizeShopifyCustomerId(customer.id);
  const email =
    typeof customer.email === "string" && customer.email.trim() !== "" ? normalizeEmail(customer.email) : undefined;
  return { customerIds: customerId ? [customerId] : [], emails: email ? [email] : [] };
}

// The request names the customer one way; the identity cache may know the other spelling (an email for the ID, or
// the ID for the email), and this app may have used either with Braze.
async function widen(tx: Tx, shop: string, subject: PrivacySubject): Promise<PrivacySubject> {
  const ids = new Set(subject.customerIds);
  const emails = new Set(subject.emails);
  if (ids.size + emails.size > 0) {
    const cached = await tx.shopifyCustomer.findMany({
      where: { shop, OR: [{ customerId: { in: [...ids] } }, { email: { in: [...emails] } }] },
    });
    for (const row of cached) {
      ids.add(row.customerId);
      if (row.email) emails.add(row.email);
    }
  }
  return { customerIds: [...ids], emails: [...emails] };
}

// The customer's Braze objects (events and attribute updates; deletions are the erasure record and stay).
function deliveriesOf(shop: string, who: PrivacySubject): Prisma.DeliveryWhereInput {
  return {
    shop,
    kind: { in: [DeliveryKind.event, DeliveryKind.attributes] },
    OR: [
      { shopifyCustomerId: { in: who.customerIds } },
      { customerEmail: { in: who.emails } },
      { customerKey: { in: [...who.customerIds, ...who.emails] } },
    ],
  };
}

function cacheRowsOf(shop: string, who: PrivacySubject): Prisma.ShopifyCustomerWhereInput {
  return { shop, OR: [{ customerId: { in: who.customerIds } }, { email: { in: who.emails } }] };
}

// Does a raw inbound payload name this customer? Emails anywhere in the text (case-insensitive); customer IDs only
// where a key says they are one (customer_id, shopifyCustomerId, customer.id ...), since bare digits are everywhere.
export function mentionsCustomer(payload: string, who: PrivacySubject): boolean {
  const lower = payload.toLowerCase();
  if (who.emails.some((email) => lower.includes(email))) return true;
  if (who.customerIds.length === 0) return false;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return false;
  }
  // Walked with an explicit stack: a stored payload may be nested deeper than the call stack allows (bodies stored
  // before the ingress limited nesting), and a privacy request must complete for any payload.
  const ids = new Set(who.customerIds);
  const stack: Array<{ value: unknown; key: string; inCustomer: boolean }> = [
    { value: json, key: "", inCustomer: false },
  ];
  while (stack.length > 0) {
    const { value, key, inCustomer } = stack.pop()!;
    const customerish = inCustomer || /customer/i.test(key);
    if (typeof value === "string" || typeof value === "number") {
      const id = normalizeShopifyCustomerId(value);
      if (customerish && (/customer/i.test(key) || key === "id") && id !== undefined && ids.has(id)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, key, inCustomer: customerish });
    } else if (value && typeof value === "object") {
      for (const [childKey, child] of Object.entries(value))
        stack.push({ value: child, key: childKey, inCustomer: customerish });
    }
  }
  return false;
}

// Inbound messages about the customer: those that produced their deliveries, plus any other whose payload names
// them (an unmapped delivery, a message whose objects failed before an identity was chosen).
async function inboundIdsOf(tx: Tx, shop: string, who: PrivacySubject, linked: Iterable<string>): Promise<string[]> {
  const ids = new Set(linked);
  // LIKE narrows the search in the database (both dialects); mentionsCustomer decides.
  const needles = [
    ...who.emails.map((email) => ({ lower: true, text: email })),
    ...who.customerIds.map((id) => ({ lower: false, text: id })),
  ];
  for (const needle of needles) {
    const pattern = `%${needle.text}%`;
    const rows = needle.lower
      ? await tx.$queryRaw<{ id: string; payload: string }[]>`
          SELECT "id", "payload" FROM "InboundMessage" WHERE "shop" = ${shop} AND LOWER("payload") LIKE ${pattern}`
      : await tx.$queryRaw<{ id: string; payload: string }[]>`
          SELECT "id", "payload" FROM "InboundMessage" WHERE "shop" = ${shop} AND "payload" LIKE ${pattern}`;
    for (const row of rows) if (!ids.has(row.id) && mentionsCustomer(row.payload, who)) ids.add(row.id);
  }
  return [...ids];
}

// A stored text as JSON for the report, or as it is when it is not JSON or nested too deeply to write back out
// (bodies stored before the ingress limited nesting): the report must be written whatever was stored.
const asStored = (text: string): unknown => {
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
};

// customers/data_request: everything stored about the customer, for the merchant to hand over. Sections with nothing
// in them are left out, so a customer the app never saw gets {"stored": []}.
export async function customerDataReport(tx: Tx, shop: string, subject: PrivacySubject) {
  const who = await widen(tx, shop, subject);
  const [cache, states, sentiments, reviews, deliveries] = await Promise.all([
    tx.shopifyCustomer.findMany({ where: cacheRowsOf(shop, who) }),
    tx.customerState.findMany({ where: { shop, customerKey: { in: customerStateKeys(who) } } }),
    tx.customerReviewSentiment.findMany({ where: { shop, customerKey: { in: customerStateKeys(who) } } }),
    tx.knownReview.findMany({ where: { shop, customerKey: { in: customerStateKeys(who) } } }),
    tx.delivery.findMany({ where: deliveriesOf(shop, who), orderBy: { id: "asc" } }),
  ]);
  const inboundIds = await inboundIdsOf(
    tx,
    shop,
    who,
    deliveries.flatMap((row) => (row.inboundId ? [row.inboundId] : [])),
  );
  const inbound = await tx.inboundMessage.findMany({
    where: { shop, id: { in: inboundIds } },
    orderBy: { receivedAt: "asc" },
  });

  const stored: { what: string; records: unknown[] }[] = [];
  if (cache.length > 0) {
    stored.push({
      what: "Shopify customer ID and email, kept to identify the customer in Braze",
      records: cache.map((row) => ({
        customerId: row.customerId,
        email: row.email,
        updatedAt: row.updatedAt.toISOString(),
      })),
    });
  }
  if (states.length > 0) {
    stored.push({
      what: "Review aggregates and loyalty tier, kept to compute Braze attributes Okendo does not send",
      records: states.map((row) => ({
        key: row.customerKey,
        reviewCount: row.reviewCount,
        reviewRatingSum: row.reviewRatingSum,
        reviewSentiments: sentiments
          .filter((sentiment) => sentiment.customerKey === row.customerKey)
          .map(({ sentiment, count }) => ({ sentiment, count })),
        loyaltyTier: row.loyaltyTier,
        updatedAt: row.updatedAt.toISOString(),
      })),
    });
  }
  if (reviews.length > 0) {
    stored.push({
      what: "Okendo reviews received, by review ID, so each is counted and forwarded once",
      records: reviews.map((row) => ({ reviewId: row.reviewId, firstSeenAt: row.firstSeenAt.toISOString() })),
    });
  }
  if (deliveries.length > 0) {
    stored.push({
      what: "Events and attribute updates for Braze, with their delivery status",
      records: deliveries.map((row) => ({
        id: row.id,
        kind: row.kind,
        eventName: row.eventName,
        status: row.status,
        identifiedInBrazeBy: row.identifierType === "none" ? null : { [row.identifierType]: row.customerKey },
        createdAt: row.createdAt.toISOString(),
        deliveredAt: row.deliveredAt?.toISOString() ?? null,
        lastError: row.lastError,
        // What was (or will be) sent to Braze; for a row that never got an identifier, the message it came from.
        [row.identifierType === "none" ? "message" : "brazeObject"]: asStored(row.payload),
      })),
    });
  }
  if (inbound.length > 0) {
    stored.push({
      what: "Messages received from Okendo and Shopify Flow that name the customer, as received",
      records: inbound.map((row) => ({
        id: row.id,
        source: row.source,
        receivedAt: row.receivedAt.toISOString(),
        status: row.status,
        payload: asStored(row.payload),
      })),
    });
  }
  return { stored };
}

export interface RedactionOutcome {
  removed: {
    cancelledDeliveries: number; // not sent yet, and now never will be
    deliveries: number; // the rest of the customer's delivery log
    inboundMessages: number;
    shopifyCustomers: number;
    customerStates: number;
    dataReports: number; // earlier customers/data_request reports about them: they hold the same data
  };
  braze: {
    // The queued /users/delete rows (their status shows whether Braze took them); counts only, since an
    // identifier may be the email address we were asked to forget.
    deletionDeliveryIds: number[];
    externalIds: number;
    emailAddresses: number;
    note: string;
  };
}

// customers/redact: erase the customer in Braze (a /users/delete for every identifier this app used for them, sent
// by the worker, ≤ 50 identifiers a request) and here. Their unsent objects are cancelled in the same transaction,
// so nothing recreates the profile after the deletion. The worker sends a shop's deletions before its other objects,
// one turn at a time, so a batch already on its way to Braze lands before the deletion does.
export async function redactCustomer(
  tx: Tx,
  shop: string,
  subject: PrivacySubject,
  connection: { connected: boolean },
): Promise<RedactionOutcome> {
  const who = await widen(tx, shop, subject);
  const where = deliveriesOf(shop, who);
  const rows = await tx.delivery.findMany({
    where,
    select: { identifierType: true, customerKey: true, inboundId: true },
  });

  // Every identifier used, whatever the row's status: an object still queued may be in a request on its way.
  const externalIds = new Set<string>();
  const emailAddresses = new Set<string>();
  for (const row of rows) {
    if (!row.customerKey) continue;
    if (row.identifierType === "external_id") externalIds.add(row.customerKey);
    else if (row.identifierType === "email") emailAddresses.add(row.customerKey);
  }
  const inboundIds = await inboundIdsOf(
    tx,
    shop,
    who,
    rows.flatMap((row) => (row.inboundId ? [row.inboundId] : [])),
  );

  const cancelled = await tx.delivery.deleteMany({
    where: { AND: [where, { status: { in: [...PENDING_STATUSES] } }] },
  });

  const deletionDeliveryIds: number[] = [];
  const customerId = who.customerIds[0];
  for (const request of brazeDeletionRequests([...externalIds], [...emailAddresses])) {
    const row = await enqueueUserDeletion(tx, {
      shop,
      identifierType: request.external_ids ? "external_id" : "email",
      customerKey: customerId ?? "",
      shopifyCustomerId: customerId ?? null,
      payload: JSON.stringify(request),
    });
    deletionDeliveryIds.push(row.id);
  }

  const purged = await tx.delivery.deleteMany({ where });
  const inbound = await tx.inboundMessage.deleteMany({ where: { shop, id: { in: inboundIds } } });
  const cache = await tx.shopifyCustomer.deleteMany({ where: cacheRowsOf(shop, who) });
  const stateKeys = { shop, customerKey: { in: customerStateKeys(who) } };
  const states = await tx.customerState.deleteMany({ where: stateKeys });
  await tx.customerReviewSentiment.deleteMany({ where: stateKeys });
  // The customer's reviews stay known by Okendo's reviewId alone, no longer linked to anyone: otherwise the next
  // missed-webhook check (app/okendo/recovery.server.ts), or a late webhook, would forward them again.
  await tx.knownReview.updateMany({ where: stateKeys, data: { customerKey: FORGOTTEN_CUSTOMER } });
  await tx.historyImportCustomer.deleteMany({ where: stateKeys }); // a history import's list, while it runs
  const reports = await tx.privacyRequest.findMany({
    where: {
      shop,
      topic: "customers/data_request",
      OR: [{ customerId: { in: who.customerIds } }, { email: { not: null } }],
    },
    select: { id: true, customerId: true, email: true },
  });
  const reportIds = reports
    .filter(
      (row) =>
        (row.customerId && who.customerIds.includes(row.customerId)) ||
        (row.email && who.emails.includes(normalizeEmail(row.email))),
    )
    .map((row) => row.id);
  const dataReports = await tx.privacyRequest.deleteMany({ where: { id: { in: reportIds } } });

  const identifiers = externalIds.size + emailAddresses.size;
  const note =
    identifiers === 0
      ? "This app never identified the customer in Braze: nothing to delete there."
      : connection.connected
        ? `Queued for Braze's /users/delete in ${deletionDeliveryIds.length} request(s) of at most ${BRAZE_MAX_DELETE_IDENTIFIERS} identifiers (needs the users.delete permission).`
        : "Waiting for a Braze connection: the deletion goes out once the shop is connected again.";
  return {
    removed: {
      cancelledDeliveries: cancelled.count,
      deliveries: purged.count,
      inboundMessages: inbound.count,
      shopifyCustomers: cache.count,
      customerStates: states.count,
      dataReports: dataReports.count,
    },
    braze: { deletionDeliveryIds, externalIds: externalIds.size, emailAddresses: emailAddresses.size, note },
  };
}
