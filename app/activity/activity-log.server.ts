// The activity log the merchant sees: what the shop received, one entry per received message (an Okendo delivery, a
// Flow run, a test event, or a Shopify privacy request), newest first, each with the Delivery rows it made (the
// outbox itself, one row per Braze object) in the merchant's words. Everything is keyed by the authenticated shop;
// nothing here can read another shop's rows. Customers are shown masked; the detail view shows the exact objects,
// never the API key.
import type { Delivery, InboundMessage } from "@prisma/client";
import prisma from "../db.server";
import { secretBoxFromEnv } from "../settings/secret-box.server";
import { TEST_SOURCE, TEST_USER } from "../outbox/test-events.server";
import { formatUtc } from "../ui/format";
import {
  RETRY_ALL_STATUSES,
  RETRYABLE_STATUSES,
  STATUS_LABELS,
  type ActivityFilters,
  type DeliveryStatus,
  type PageCursor,
} from "./filters";
import { messageAnchors } from "./message-anchors.server";

export const ACTIVITY_PAGE_SIZE = 50;

export type StatusTone = "info" | "success" | "warning" | "critical" | "attention" | undefined;

export interface ActivityRow {
  id: number;
  createdAt: string;
  source: (typeof SOURCE_LABELS)[keyof typeof SOURCE_LABELS] | "Shopify";
  subject: string; // the event's name, "Attribute update", "User deletion" or "Unmapped message"
  subjectDetail?: string; // which event an attribute update came with
  customer: string; // who, as Braze knows them, masked: "Customer 7001…890", "Email j•••@example.com"
  identifier: string; // the Braze identifier used: external_id | email | none
  status: DeliveryStatus;
  statusLabel: string;
  statusTone: StatusTone;
  statusDetail?: string;
  attempts: number;
  retryable: boolean;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${email[0]}•••${email.slice(at)}`;
}

// Long identifiers keep their start and end, as a merchant compares them: 7001234567890 → 7001…890.
export function abbreviate(id: string): string {
  return id.length > 9 ? `${id.slice(0, 4)}…${id.slice(-3)}` : id;
}

type RowWithSource = Delivery & { inbound: Pick<InboundMessage, "source"> | null };

// What brought a message (InboundMessage.source), in the merchant's words.
const SOURCE_LABELS = {
  okendo: "Okendo",
  sequences: "Okendo Sequences",
  flow: "Flow",
  test: "Test event",
  recovery: "Recovered", // taken from Okendo's API because no webhook brought it (app/okendo/recovery.server.ts)
  import: "History import",
} as const;

function sourceOf(row: RowWithSource): ActivityRow["source"] {
  const source = row.inbound?.source;
  if (source && source in SOURCE_LABELS) return SOURCE_LABELS[source as keyof typeof SOURCE_LABELS];
  return "Shopify"; // user deletions come from Shopify's privacy webhooks and have no inbound message
}

function subjectOf(row: Delivery): Pick<ActivityRow, "subject" | "subjectDetail"> {
  if (row.kind === "delete") return { subject: "User deletion" };
  if (row.kind === "unmapped") return { subject: "Unmapped message" };
  if (row.kind === "attributes")
    return { subject: "Attribute update", ...(row.eventName ? { subjectDetail: `With ${row.eventName}` } : {}) };
  return { subject: row.eventName ?? "Event" };
}

// The customer as Braze knows them — by the identifier this row uses: a Shopify customer ID, an email address, the
// test user — masked. Without one, whatever identifies the customer here.
function customerOf(row: Delivery): string {
  const key = row.customerKey;
  if (key === TEST_USER.externalId) return "Test user";
  const byId = (id: string) => `Customer ${abbreviate(id)}`;
  const byEmail = (email: string) => `Email ${maskEmail(email)}`;
  if (row.identifierType === "email" || (row.identifierType === "external_id" && key.includes("@")))
    return byEmail(key);
  if (row.identifierType === "external_id" && key)
    return /^\d+$/.test(key) ? byId(key) : `External ID ${abbreviate(key)}`;
  if (row.shopifyCustomerId) return byId(row.shopifyCustomerId);
  if (row.customerEmail) return byEmail(row.customerEmail);
  return "Unknown customer";
}

function statusOf(row: Delivery, connected: boolean): Pick<ActivityRow, "statusLabel" | "statusTone" | "statusDetail"> {
  const status = row.status as DeliveryStatus;
  if ((status === "queued" || status === "retrying") && !connected) {
    return {
      statusLabel: "Waiting for connection",
      statusTone: "attention",
      statusDetail: "Sent once Braze is connected",
    };
  }
  switch (status) {
    case "queued":
      return { statusLabel: STATUS_LABELS.queued, statusTone: "info" };
    case "retrying":
      return {
        statusLabel: STATUS_LABELS.retrying,
        statusTone: "warning",
        statusDetail: `Next attempt ${formatUtc(row.nextAttemptAt.toISOString())}`,
      };
    case "delivered":
      return { statusLabel: STATUS_LABELS.delivered, statusTone: "success" };
    case "failed":
    case "dead_letter":
      return {
        statusLabel: STATUS_LABELS[status],
        statusTone: "critical",
        ...(row.lastError ? { statusDetail: row.lastError } : {}),
      };
    case "unmapped":
      return {
        statusLabel: STATUS_LABELS.unmapped,
        statusTone: "attention",
        ...(row.lastError ? { statusDetail: row.lastError } : {}),
      };
    case "skipped":
      return { statusLabel: STATUS_LABELS.skipped, statusTone: undefined, statusDetail: "Event switched off" };
    case "replayed":
      return { statusLabel: STATUS_LABELS.replayed, statusTone: undefined, statusDetail: "Retried as a new delivery" };
    default:
      return { statusLabel: STATUS_LABELS[status] ?? row.status, statusTone: undefined };
  }
}

export function toActivityRow(row: RowWithSource, connected: boolean): ActivityRow {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    source: sourceOf(row),
    ...subjectOf(row),
    customer: customerOf(row),
    identifier: row.identifierType,
    status: row.status as DeliveryStatus,
    ...statusOf(row, connected),
    attempts: row.attempts,
    retryable: RETRYABLE_STATUSES.includes(row.status as DeliveryStatus),
  };
}

// One received message and what it became: its event and attribute update together.
export interface ActivityMessage {
  id: number; // the delivery the message's link opens: its event, else its first row
  receivedAt: string;
  source: ActivityRow["source"];
  test: boolean;
  subject: string; // the event's name, or the lone row's subject ("Attribute update", "Unmapped message", ...)
  customer: string;
  // The message's state at a glance: its most urgent row's status (a failure before a delivery).
  status: Pick<ActivityRow, "status" | "statusLabel" | "statusTone" | "statusDetail">;
  deliveries: ActivityRow[];
  retryIds: number[]; // the rows Retry takes: failed, dead-lettered or unmapped
}

// Which row's status speaks for the message: what needs the merchant first, what is finished last.
const URGENCY: readonly DeliveryStatus[] = [
  "dead_letter",
  "failed",
  "unmapped",
  "retrying",
  "waiting_identity",
  "queued",
  "delivered",
  "skipped",
  "cancelled",
  "replayed",
];

function toActivityMessage(rows: RowWithSource[], connected: boolean): ActivityMessage {
  const all = rows.map((row) => toActivityRow(row, connected));
  const first = all[0]!;
  const leadIndex = Math.max(
    0,
    rows.findIndex((row) => row.kind === "event"),
  );
  const lead = all[leadIndex]!;
  const deliveries = [lead, ...all.filter((row) => row !== lead)]; // the message's event first
  // A message with several events (Send test events sends one of each) is named by their number.
  const events = new Set(rows.flatMap((row) => (row.kind === "event" && row.eventName ? [row.eventName] : [])));
  const urgent = [...deliveries].sort((a, b) => URGENCY.indexOf(a.status) - URGENCY.indexOf(b.status))[0]!;
  return {
    id: lead.id,
    receivedAt: first.createdAt,
    source: first.source,
    test: rows[0]!.inbound?.source === TEST_SOURCE,
    subject: events.size > 1 ? `${events.size} events` : lead.subject,
    customer: lead.customer,
    status: {
      status: urgent.status,
      statusLabel: urgent.statusLabel,
      statusTone: urgent.statusTone,
      ...(urgent.statusDetail ? { statusDetail: urgent.statusDetail } : {}),
    },
    deliveries,
    retryIds: deliveries.filter((row) => row.retryable).map((row) => row.id),
  };
}

export interface ActivityPage {
  messages: ActivityMessage[];
  newerCursor?: { after: number };
  olderCursor?: { before: number };
  connected: boolean;
  anyDeliveries: boolean; // has this shop ever had a delivery (for the right empty state)
  retryAllCount: number; // failed + dead letter rows "Retry all failed" would take
}

export async function activityPage(
  shop: string,
  filters: ActivityFilters,
  cursor: PageCursor,
  pageSize = ACTIVITY_PAGE_SIZE,
): Promise<ActivityPage> {
  let anchors = await messageAnchors(shop, filters, cursor, pageSize);
  // A stale cursor (rows pruned since) lands on the newest page rather than on nothing.
  if (anchors.length === 0 && Object.keys(cursor).length > 0)
    anchors = await messageAnchors(shop, filters, {}, pageSize);

  const newest = anchors[0]?.id;
  const oldest = anchors.at(-1)?.id;
  const inboundIds = anchors.flatMap((anchor) => (anchor.inboundId ? [anchor.inboundId] : []));
  const lone = anchors.filter((anchor) => !anchor.inboundId).map((anchor) => anchor.id);
  const [rows, shopRow, newer, older, anyDeliveries, retryAllCount] = await Promise.all([
    anchors.length === 0
      ? []
      : prisma.delivery.findMany({
          where: { shop, OR: [{ id: { in: lone } }, { inboundId: { in: inboundIds } }] },
          orderBy: { id: "asc" },
          include: { inbound: { select: { source: true } } },
        }),
    prisma.shop.findUnique({ where: { domain: shop }, select: { connectionStatus: true } }),
    newest === undefined ? [] : messageAnchors(shop, filters, { after: newest }, 1),
    oldest === undefined ? [] : messageAnchors(shop, filters, { before: oldest }, 1),
    anchors.length > 0 ? true : prisma.delivery.findFirst({ where: { shop }, select: { id: true } }).then(Boolean),
    prisma.delivery.count({ where: { shop, status: { in: [...RETRY_ALL_STATUSES] } } }),
  ]);
  const connected = shopRow?.connectionStatus === "connected";
  const byMessage = new Map<string, RowWithSource[]>();
  for (const row of rows) {
    const key = row.inboundId ?? `delivery:${row.id}`;
    byMessage.set(key, [...(byMessage.get(key) ?? []), row]);
  }

  return {
    // A message whose rows were erased meanwhile (customers/redact) is left out.
    messages: anchors.flatMap((anchor) => {
      const messageRows = byMessage.get(anchor.inboundId ?? `delivery:${anchor.id}`);
      return messageRows ? [toActivityMessage(messageRows, connected)] : [];
    }),
    ...(newer.length > 0 && newest !== undefined ? { newerCursor: { after: newest } } : {}),
    ...(older.length > 0 && oldest !== undefined ? { olderCursor: { before: oldest } } : {}),
    connected,
    anyDeliveries,
    retryAllCount,
  };
}

export interface DeliveryDetail {
  row: ActivityRow;
  kind: string;
  // The exact JSON object for Braze (what was sent, or will be), or null when there is none (unmapped, no identifier).
  brazeObject: string | null;
  // When no identifier could be resolved: the message as understood, which a retry identifies again.
  normalizedMessage: string | null;
  brazeResponse: string | null;
  lastError: string | null;
  note: string | null;
  attempts: number;
  createdAt: string;
  firstAttemptAt: string | null;
  nextAttemptAt: string;
  deliveredAt: string | null;
  inbound: {
    source: string;
    receivedAt: string;
    messageId: string;
    status: string;
    note: string | null;
    payload: string;
  } | null;
  related: ActivityRow[]; // the other Braze objects from the same inbound message (e.g. the rows a retry created)
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// Whatever a payload or an answer contains, the shop's Braze key never leaves the server.
function keyScrubber(shop: { domain: string; brazeApiKeyEncrypted: string | null } | null): (text: string) => string {
  let apiKey: string | undefined;
  try {
    if (shop?.brazeApiKeyEncrypted) apiKey = secretBoxFromEnv().open(shop.brazeApiKeyEncrypted, shop.domain);
  } catch {
    apiKey = undefined; // an undecryptable key cannot leak either
  }
  return (text) => (apiKey ? text.split(apiKey).join("[API key removed]") : text);
}

export async function deliveryDetail(shop: string, id: number): Promise<DeliveryDetail | null> {
  const row = await prisma.delivery.findFirst({ where: { id, shop }, include: { inbound: true } });
  if (!row) return null;
  const [shopRow, related] = await Promise.all([
    prisma.shop.findUnique({
      where: { domain: shop },
      select: { domain: true, connectionStatus: true, brazeApiKeyEncrypted: true },
    }),
    row.inboundId
      ? prisma.delivery.findMany({
          where: { shop, inboundId: row.inboundId, id: { not: row.id } },
          orderBy: { id: "asc" },
          take: 20,
          include: { inbound: { select: { source: true } } },
        })
      : [],
  ]);
  const connected = shopRow?.connectionStatus === "connected";
  const scrub = keyScrubber(shopRow);
  const scrubbed = (text: string | null) => (text === null ? null : scrub(text));
  const noBrazeObject = row.kind === "unmapped" || row.identifierType === "none";

  return {
    row: toActivityRow(row, connected),
    kind: row.kind,
    brazeObject: noBrazeObject ? null : scrub(pretty(row.payload)),
    normalizedMessage: row.kind !== "unmapped" && row.identifierType === "none" ? scrub(pretty(row.payload)) : null,
    brazeResponse: row.brazeResponse === null ? null : scrub(pretty(row.brazeResponse)),
    lastError: scrubbed(row.lastError),
    note: scrubbed(row.note),
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    firstAttemptAt: row.firstAttemptAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    inbound: row.inbound
      ? {
          source: row.inbound.source,
          receivedAt: row.inbound.receivedAt.toISOString(),
          messageId: scrub(row.inbound.dedupeKey),
          status: row.inbound.status,
          note: scrubbed(row.inbound.note),
          payload: scrub(pretty(row.inbound.payload)),
        }
      : null,
    related: related.map((other) => toActivityRow(other, connected)),
  };
}
