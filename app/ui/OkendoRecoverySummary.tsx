import { Banner, BlockStack, Text } from "@shopify/polaris";
import type { OkendoRecoveryView } from "../okendo/recovery.server";
import { formatUtc } from "./format";

function every(minutes: number): string {
  if (minutes < 60) return minutes <= 1 ? "minute" : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? "hour" : `${hours} hours`;
}

// Part of the Okendo card once connected: what the missed-webhook recovery (app/okendo/recovery.server.ts) found.
export function OkendoRecoverySummary({ recovery }: { recovery: OkendoRecoveryView }) {
  const { recovered, lastRunAt, lastError, lookbackHours, intervalMinutes } = recovery;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Missed webhooks
      </Text>
      <Text as="p">
        {recovered === 0
          ? "No review has been missed by Okendo's webhooks so far."
          : `${recovered} ${recovered === 1 ? "review" : "reviews"} recovered that Okendo's webhooks missed.`}
      </Text>
      <Text as="p" tone="subdued">
        Every {every(intervalMinutes)} the app asks Okendo for the reviews of the last {lookbackHours} hours and
        forwards those its webhooks did not deliver (shown as “Recovered” in Activity), once each.{" "}
        {lastRunAt ? `Last checked ${formatUtc(lastRunAt)}.` : "Not checked yet."}
      </Text>
      {lastError && (
        <Banner tone="warning" title="The last check for missed reviews failed">
          <p>{lastError} The app tries again at its next check.</p>
        </Banner>
      )}
    </BlockStack>
  );
}
