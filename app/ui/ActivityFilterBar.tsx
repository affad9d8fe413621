import { useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, ChoiceList, Filters, TextField } from "@shopify/polaris";
import { CATALOG_EVENT_NAMES } from "../catalog/names";
import {
  ATTRIBUTE_UPDATES,
  DELIVERY_STATUSES,
  STATUS_LABELS,
  readActivityFilters,
  withActivityFilters,
  type ActivityFilters,
  type DeliveryStatus,
  type EventFilter,
} from "../activity/filters";

const statusChoices = DELIVERY_STATUSES.map((status) => ({ label: STATUS_LABELS[status], value: status }));
const eventChoices = [
  ...CATALOG_EVENT_NAMES.map((name) => ({ label: name, value: name })),
  { label: "Attribute update", value: ATTRIBUTE_UPDATES },
];
const eventLabel = (event: EventFilter) => (event === ATTRIBUTE_UPDATES ? "Attribute update" : event);

// The filters live in the URL (so a filtered view is a link); every change navigates and the loader answers.
export function useActivityFilters() {
  const [current, setParams] = useSearchParams();
  // While the new filters load, show them already chosen.
  const { pathname } = useLocation();
  const pending = useNavigation().location;
  const params = pending?.pathname === pathname ? new URLSearchParams(pending.search) : current;
  const filters = readActivityFilters(params);
  const apply = (next: ActivityFilters) => setParams(withActivityFilters(params, next));
  const clear = () => apply({ statuses: [] });
  return { filters, apply, clear };
}

export function ActivityFilterBar() {
  const { filters, apply, clear } = useActivityFilters();
  const without = (key: keyof ActivityFilters): ActivityFilters => {
    const next = { ...filters };
    if (key === "statuses") next.statuses = [];
    else delete next[key];
    return next;
  };

  const dateLabel = [filters.from && `from ${filters.from}`, filters.to && `to ${filters.to}`]
    .filter(Boolean)
    .join(" ");
  const appliedFilters = [
    ...(filters.statuses.length > 0
      ? [
          {
            key: "status",
            label: `Status: ${filters.statuses.map((status) => STATUS_LABELS[status]).join(", ")}`,
            onRemove: () => apply(without("statuses")),
          },
        ]
      : []),
    ...(filters.event
      ? [{ key: "event", label: `Event: ${eventLabel(filters.event)}`, onRemove: () => apply(without("event")) }]
      : []),
    ...(filters.tests ? [{ key: "tests", label: "Test events shown", onRemove: () => apply(without("tests")) }] : []),
    ...(dateLabel
      ? [
          {
            key: "date",
            label: `Date (UTC): ${dateLabel}`,
            onRemove: () => apply({ ...without("from"), to: undefined }),
          },
        ]
      : []),
  ];

  return (
    <Filters
      queryValue=""
      onQueryChange={() => {}}
      onQueryClear={() => {}}
      hideQueryField
      onClearAll={clear}
      appliedFilters={appliedFilters}
      filters={[
        {
          key: "status",
          label: "Status",
          pinned: true,
          filter: (
            <ChoiceList
              title="Status"
              titleHidden
              allowMultiple
              choices={statusChoices}
              selected={filters.statuses}
              onChange={(selected) => apply({ ...filters, statuses: selected as DeliveryStatus[] })}
            />
          ),
        },
        {
          key: "event",
          label: "Event",
          pinned: true,
          filter: (
            <ChoiceList
              title="Event"
              titleHidden
              choices={eventChoices}
              selected={filters.event ? [filters.event] : []}
              onChange={([event]) => apply({ ...filters, event: event as EventFilter | undefined })}
            />
          ),
        },
        {
          key: "tests",
          label: "Test events",
          pinned: true,
          filter: (
            <ChoiceList
              title="Test events"
              titleHidden
              choices={[
                { label: "Hide test events", value: "hidden" },
                { label: "Show test events", value: "shown" },
              ]}
              selected={[filters.tests ?? "hidden"]}
              onChange={([choice]) => apply({ ...filters, tests: choice === "shown" ? "shown" : undefined })}
            />
          ),
        },
        {
          key: "date",
          label: "Date",
          pinned: true,
          filter: (
            <BlockStack gap="200">
              <TextField
                label="From (UTC)"
                type="date"
                autoComplete="off"
                value={filters.from ?? ""}
                onChange={(from) => apply({ ...filters, from: from || undefined })}
              />
              <TextField
                label="To (UTC)"
                type="date"
                autoComplete="off"
                value={filters.to ?? ""}
                onChange={(to) => apply({ ...filters, to: to || undefined })}
              />
            </BlockStack>
          ),
        },
      ]}
    />
  );
}
