import { Badge, BlockStack, Text } from "@shopify/polaris";
import type { ActivityRow } from "../activity/activity-log.server";

export function DeliveryStatusBadge({ row }: { row: Pick<ActivityRow, "statusLabel" | "statusTone"> }) {
  return <Badge {...(row.statusTone ? { tone: row.statusTone } : {})}>{row.statusLabel}</Badge>;
}

// The badge with what the merchant needs to know next to it: the next attempt's time, or why it failed.
export function DeliveryStatus({ row }: { row: Pick<ActivityRow, "statusLabel" | "statusTone" | "statusDetail"> }) {
  return (
    <BlockStack gap="100" inlineAlign="start">
      <DeliveryStatusBadge row={row} />
      {row.statusDetail && (
        <Text as="span" variant="bodySm" tone="subdued" breakWord>
          {row.statusDetail}
        </Text>
      )}
    </BlockStack>
  );
}
