import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, Checkbox, Divider, Text } from "@shopify/polaris";
import type { EventRowView, EventsCardView } from "../settings/events.server";
import { formatUtc } from "./format";

// The 15 catalog events by product, each with its on/off switch and what the shop received of it.
export function EventsCard({ events }: { events: EventsCardView }) {
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Events
          </Text>
          <Text as="p" tone="subdued">
            Choose which Okendo events are sent to Braze. A switched-off event is still received and listed in Activity
            as skipped, but it is not sent.
          </Text>
        </BlockStack>
        {events.groups.map(({ group, events: rows }, index) => (
          <BlockStack gap="300" key={group}>
            {index > 0 && <Divider />}
            <Text as="h3" variant="headingSm">
              {group}
            </Text>
            {rows.map((event) => (
              <EventSwitch key={event.name} event={event} />
            ))}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function EventSwitch({ event }: { event: EventRowView }) {
  const fetcher = useFetcher({ key: `event-switch:${event.name}` });
  // Show the merchant's choice at once (in the same render as the click, so the box never flips back while the
  // request starts); the stored value takes over again when the save and the reload that follows are done.
  const [checked, setChecked] = useState(event.enabled);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the re-sync described above: one render per save
    if (fetcher.state === "idle") setChecked(event.enabled);
  }, [event.enabled, fetcher.state]);
  const received = event.lastReceivedAt
    ? `Last received ${formatUtc(event.lastReceivedAt)} · ${event.receivedLast7Days} in the last 7 days`
    : "Not received yet";
  return (
    <Checkbox
      label={event.name}
      checked={checked}
      disabled={fetcher.state !== "idle"}
      onChange={(value) => {
        setChecked(value);
        fetcher.submit({ intent: "event-switch", eventName: event.name, enabled: String(value) }, { method: "post" });
      }}
      helpText={
        <>
          {event.description}
          <br />
          {received}
        </>
      }
    />
  );
}
