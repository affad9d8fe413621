// What the Activity page can filter by, read from and written to the URL so a filtered view is a link
// (the health banner links to /app/activity?status=retrying). Shared by the loader and the page.
import { CATALOG_EVENT_NAMES, type CatalogEventName } from "../catalog/names";
import { DELIVERY_STATUSES, type DeliveryStatus } from "../outbox/delivery-status";

export { DELIVERY_STATUSES, RETRY_ALL_STATUSES, RETRYABLE_STATUSES } from "../outbox/delivery-status";
export type { DeliveryStatus };

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  queued: "Queued",
  waiting_identity: "Waiting for identity",
  retrying: "Retrying",
  delivered: "Delivered",
  failed: "Failed",
  dead_letter: "Dead letter",
  unmapped: "Unmapped",
  skipped: "Skipped",
  replayed: "Replayed",
  cancelled: "Cancelled",
};

// The event filter: one of the catalog's events, or the attribute updates (profile changes with no event).
export const ATTRIBUTE_UPDATES = "attributes";
export type EventFilter = CatalogEventName | typeof ATTRIBUTE_UPDATES;

export interface ActivityFilters {
  statuses: DeliveryStatus[];
  // Test events (Send test events) are left out unless asked for: they are not the shop's customers.
  tests?: "shown";
  event?: EventFilter;
  from?: string; // YYYY-MM-DD, UTC, inclusive
  to?: string; // YYYY-MM-DD, UTC, inclusive
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string | null): value is string =>
  value !== null && DAY.test(value) && !Number.isNaN(Date.parse(value));
const isStatus = (value: string): value is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(value);
const isEventFilter = (value: string | null): value is EventFilter =>
  value === ATTRIBUTE_UPDATES || (CATALOG_EVENT_NAMES as readonly (string | null)[]).includes(value);

// Tolerant: a hand-edited link with an unknown value shows everything rather than an error.
// `status` may repeat (?status=failed&status=dead_letter) or be comma-separated (?status=failed,dead_letter).
export function readActivityFilters(params: URLSearchParams): ActivityFilters {
  const statuses = [
    ...new Set(
      params
        .getAll("status")
        .flatMap((value) => value.split(","))
        .map((s) => s.trim()),
    ),
  ].filter(isStatus);
  const event = params.get("event");
  const from = params.get("from");
  const to = params.get("to");
  return {
    statuses,
    ...(params.get("tests") === "shown" ? { tests: "shown" as const } : {}),
    ...(isEventFilter(event) ? { event } : {}),
    ...(isDay(from) ? { from } : {}),
    ...(isDay(to) ? { to } : {}),
  };
}

export const FILTER_PARAMS = ["status", "event", "from", "to", "tests"] as const;
export const CURSOR_PARAMS = ["before", "after"] as const;

// The same URL with other filters: keeps what is not ours (Shopify's embedded parameters), drops the page cursor.
export function withActivityFilters(params: URLSearchParams, filters: ActivityFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of [...FILTER_PARAMS, ...CURSOR_PARAMS]) next.delete(key);
  if (filters.statuses.length > 0) next.set("status", filters.statuses.join(","));
  if (filters.event) next.set("event", filters.event);
  if (filters.from) next.set("from", filters.from);
  if (filters.to) next.set("to", filters.to);
  if (filters.tests) next.set("tests", filters.tests);
  return next;
}

export function hasActivityFilters(filters: ActivityFilters): boolean {
  return filters.statuses.length > 0 || Boolean(filters.event || filters.from || filters.to);
}

// Cursor pagination by id: `before` shows the page of rows older than that id, `after` the page newer than it.
export type PageCursor = { before: number } | { after: number } | Record<string, never>;

export function readPageCursor(params: URLSearchParams): PageCursor {
  const before = Number(params.get("before"));
  if (Number.isSafeInteger(before) && before > 0) return { before };
  const after = Number(params.get("after"));
  if (Number.isSafeInteger(after) && after > 0) return { after };
  return {};
}

export function withPageCursor(params: URLSearchParams, cursor: PageCursor): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of CURSOR_PARAMS) next.delete(key);
  if ("before" in cursor) next.set("before", String(cursor.before));
  if ("after" in cursor) next.set("after", String(cursor.after));
  return next;
}

// A link to the Activity page showing these filters (the health banner's and the home page's links).
export function activityUrl(filters: Partial<ActivityFilters>): string {
  const params = withActivityFilters(new URLSearchParams(), { statuses: [], ...filters });
  return params.size > 0 ? `/app/activity?${params}` : "/app/activity";
}
