import { BlockStack, Card, InlineGrid, Link, Text } from "@shopify/polaris";
import { activityUrl } from "../activity/filters";
import type { RecentDeliveries } from "../activity/delivery-stats.server";

// Deliveries received in the last 24 hours by outcome, each a link to them in Activity.
export function RecentDeliveriesCard({ recent }: { recent: RecentDeliveries }) {
  const figures = [
    { label: "Delivered", count: recent.delivered, statuses: ["delivered"] as const },
    { label: "On their way", count: recent.retrying, statuses: ["queued", "waiting_identity", "retrying"] as const },
    { label: "Failed", count: recent.failed, statuses: ["failed", "dead_letter"] as const },
  ];
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Last 24 hours
        </Text>
        <InlineGrid columns={3} gap="400">
          {figures.map((figure) => (
            <BlockStack gap="100" key={figure.label}>
              <Text as="p" tone="subdued">
                {figure.label}
              </Text>
              <Text
                as="p"
                variant="headingXl"
                numeric
                tone={figure.label === "Failed" && figure.count > 0 ? "critical" : undefined}
              >
                <Link
                  url={activityUrl({ statuses: [...figure.statuses], tests: "shown" })}
                  removeUnderline
                  monochrome
                  accessibilityLabel={`${figure.count} ${figure.label.toLowerCase()} in the last 24 hours`}
                >
                  {figure.count.toLocaleString("en-US")}
                </Link>
              </Text>
            </BlockStack>
          ))}
        </InlineGrid>
        <Text as="p" variant="bodySm" tone="subdued">
          Braze objects received in the last 24 hours (an event and its attribute update count as two), test events
          included.
        </Text>
      </BlockStack>
    </Card>
  );
}
