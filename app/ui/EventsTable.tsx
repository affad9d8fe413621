import { BlockStack, Card, Text } from "@shopify/polaris";
import type { EventRowView, EventsCardView } from "../settings/events.server";
import { ChartBox, TrendSparkline } from "./Chart";
import { formatUtc } from "./format";
import { Switch } from "./Switch";
import { useSavedSwitch } from "./useSavedSwitch";
import styles from "./EventsTable.module.css";
import hidden from "./VisuallyHiddenTable.module.css";

// The 15 catalog events in one compact table: product, last received, the last 7 days' trend, and the switch that
// sends it to Braze or not. A switched-off event is still received and listed in Activity as skipped.
export function EventsTable({ events }: { events: EventsCardView }) {
  return (
    <Card padding="0">
      <div className={styles.Header}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Events
          </Text>
          <Text as="p" tone="subdued">
            Choose which Okendo events are sent to Braze. A switched-off event is still received and listed in Activity
            as skipped, but it is not sent.
          </Text>
        </BlockStack>
      </div>
      <div className={styles.Container}>
        <table className={styles.Table}>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Product</th>
              <th scope="col">Last received</th>
              <th scope="col">Last 7 days</th>
              <th scope="col">Sent to Braze</th>
            </tr>
          </thead>
          <tbody>
            {events.groups.flatMap(({ group, events: rows }) =>
              rows.map((event) => <EventRow key={event.name} event={event} group={group} />),
            )}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function EventRow({ event, group }: { event: EventRowView; group: string }) {
  const saving = useSavedSwitch({
    key: `event-switch:${event.name}`,
    stored: event.enabled,
    form: (on) => ({ intent: "event-switch", eventName: event.name, enabled: String(on) }),
    saved: (on) => `${event.name} switched ${on ? "on" : "off"}`,
  });
  const descriptionId = `event-${event.name.replace(/\W+/g, "-")}`;
  const received = event.lastReceivedAt
    ? `Last received ${formatUtc(event.lastReceivedAt)} · ${event.receivedLast7Days} in the last 7 days`
    : "Not received yet";
  return (
    <tr>
      <th scope="row">
        <Text as="span" fontWeight="medium">
          {event.name}
        </Text>
        <span id={descriptionId} className={hidden.VisuallyHidden}>
          {event.description} {received}
        </span>
      </th>
      <td className={styles.Group}>{group}</td>
      <td className={styles.LastReceived}>
        {event.lastReceivedAt ? (
          formatUtc(event.lastReceivedAt)
        ) : (
          <Text as="span" tone="subdued">
            Not yet
          </Text>
        )}
      </td>
      <td className={styles.Trend}>
        <span className={styles.TrendInner}>
          <ChartBox height="24px" width="72px">
            <TrendSparkline counts={event.trend} />
          </ChartBox>
          <Text as="span" numeric>
            <span className={hidden.VisuallyHidden}>Received in the last 7 days: </span>
            {event.receivedLast7Days}
          </Text>
        </span>
      </td>
      <td className={styles.Switch}>
        <Switch
          label={event.name}
          labelHidden
          checked={saving.checked}
          disabled={saving.saving}
          onChange={saving.change}
          describedBy={descriptionId}
          error={saving.error}
        />
      </td>
    </tr>
  );
}
