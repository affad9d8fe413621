import { Badge, BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { ConnectionsOverview } from "../settings/connections-overview.server";
import { formatUtc } from "./format";

const BRAZE = {
  connected: { label: "Connected", tone: "success" },
  broken: { label: "Key rejected", tone: "critical" },
  disconnected: { label: "Not connected", tone: undefined },
} as const;

const OKENDO = {
  connected: { label: "Connected", tone: "success" },
  "needs-repair": { label: "Needs repair", tone: "warning" },
  manual: { label: "Set up by hand", tone: "info" },
  "not-connected": { label: "Not connected", tone: undefined },
} as const;

// Braze and Okendo at a glance, each with what the merchant would check next.
export function ConnectionsCard({ connections }: { connections: ConnectionsOverview }) {
  const { braze, okendo } = connections;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Connections
          </Text>
          <Link url="/app/settings">Settings</Link>
        </InlineStack>
        <Connection
          name="Braze"
          state={BRAZE[braze.status]}
          detail={
            braze.status === "disconnected"
              ? "Connect Braze in Settings: events wait until then."
              : `Last delivery ${braze.lastDeliveredAt ? formatUtc(braze.lastDeliveredAt) : "none yet"}`
          }
        />
        <Connection
          name="Okendo"
          state={OKENDO[okendo.status]}
          detail={
            okendo.lastReceivedAt
              ? `Last event received ${formatUtc(okendo.lastReceivedAt)}`
              : "Nothing received from Okendo yet"
          }
        />
      </BlockStack>
    </Card>
  );
}

function Connection({
  name,
  state,
  detail,
}: {
  name: string;
  state: { label: string; tone: "success" | "critical" | "warning" | "info" | undefined };
  detail: string;
}) {
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {name}
        </Text>
        <Badge tone={state.tone}>{state.label}</Badge>
      </InlineStack>
      <Text as="p" tone="subdued">
        {detail}
      </Text>
    </BlockStack>
  );
}
