// The activity log the merchant sees: the shop's Delivery rows (the outbox itself, one row per Braze object),
// newest first, in the merchant's words. Everything is keyed by the authenticated shop; nothing here can read
// another shop's rows. Emails are masked in the table; the detail view shows the exact objects, never the API key.
import type { Delivery, InboundMessage, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { secretBoxFromEnv } from "../settings/secret-box.server";
import { formatUtc } from "../ui/format";
import {
  ATTRIBUTE_UPDATES,
  RETRY_ALL_STATUSES,
  RETRYABLE_STATUSES,
  STATUS_LABELS,
  type ActivityFilters,
  type DeliveryStatus,
  type PageCursor,
} from "./filters";

export const ACTIVITY_PAGE_SIZE = 50;

export type StatusTone = "info" | "success" | "warning" | "critical" | "attention" | undefined;

export interface ActivityRow {
  id: number;
  createdAt: string;
  source: (typeof SOURCE_LABELS)[keyof typeof SOURCE_LABELS] | "Shopify";
  subject: string; // the event's name, "Attribute update", "User deletion" or "Unmapped message"
  subjectDetail?: string; // which event an attribute update came with
  customer: string; // masked: j***@example.com
  identifier: string; // external_id | email | none
  status: DeliveryStatus;
  statusLabel: string;
  statusTone: StatusTone;
  statusDetail?: string;
  attempts: number;
  retryable: boolean;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

type RowWithSource = Delivery & { inbound: Pick<InboundMessage, "source"> | null };

// What brought a message (InboundMessage.source), in the merchant's words.
const SOURCE_LABELS = {
  okendo: "Okendo",
  sequences: "Okendo Sequences",
  flow: "Flow",
  test: "Test event",
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

function customerOf(row: Delivery): string {
  const email = row.customerEmail ?? (row.customerKey.includes("@") ? row.customerKey : undefined);
  if (email) return maskEmail(email);
  if (row.shopifyCustomerId) return `Shopify customer ${row.shopifyCustomerId}`;
  return "Unknown";
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
      return { statusLabel: row.status, statusTone: undefined };
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

const DAY_MS = 86_400_000;

function activityWhere(shop: string, filters: ActivityFilters): Prisma.DeliveryWhereInput {
  const where: Prisma.DeliveryWhereInput = { shop };
  if (filters.statuses.length > 0) where.status = { in: filters.statuses };
  // An event's attribute object carries the event's name too: filtering by an event shows everything it caused.
  if (filters.event === ATTRIBUTE_UPDATES) where.kind = "attributes";
  else if (filters.event) where.eventName = filters.event;
  if (filters.from || filters.to) {
    where.createdAt = {
      ...(filters.from ? { gte: new Date(`${filters.from}T00:00:00.000Z`) } : {}),
      ...(filters.to ? { lt: new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + DAY_MS) } : {}),
    };
  }
  return where;
}

export interface ActivityPage {
  rows: ActivityRow[];
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
  const where = activityWhere(shop, filters);
  const include = { inbound: { select: { source: true } } } as const;
  const page = (extra: Prisma.DeliveryWhereInput, order: "asc" | "desc") =>
    prisma.delivery.findMany({ where: { AND: [where, extra] }, orderBy: { id: order }, take: pageSize, include });

  let rows =
    "after" in cursor
      ? (await page({ id: { gt: cursor.after } }, "asc")).reverse()
      : "before" in cursor
        ? await page({ id: { lt: cursor.before } }, "desc")
        : await page({}, "desc");
  // A stale cursor (rows pruned since) lands on the newest page rather than on nothing.
  if (rows.length === 0 && Object.keys(cursor).length > 0) rows = await page({}, "desc");

  const newest = rows[0]?.id;
  const oldest = rows.at(-1)?.id;
  const exists = (extra: Prisma.DeliveryWhereInput) =>
    prisma.delivery.findFirst({ where: { AND: [where, extra] }, select: { id: true } }).then(Boolean);
  const [shopRow, hasNewer, hasOlder, anyDeliveries, retryAllCount] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shop }, select: { connectionStatus: true } }),
    newest === undefined ? false : exists({ id: { gt: newest } }),
    oldest === undefined ? false : exists({ id: { lt: oldest } }),
    rows.length > 0 ? true : prisma.delivery.findFirst({ where: { shop }, select: { id: true } }).then(Boolean),
    prisma.delivery.count({ where: { shop, status: { in: [...RETRY_ALL_STATUSES] } } }),
  ]);
  const connected = shopRow?.connectionStatus === "connected";

  return {
    rows: rows.map((row) => toActivityRow(row, connected)),
    ...(hasNewer && newest !== undefined ? { newerCursor: { after: newest } } : {}),
    ...(hasOlder && oldest !== undefined ? { olderCursor: { before: oldest } } : {}),
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
