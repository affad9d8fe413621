import { Banner, BlockStack, Link, Text } from "@shopify/polaris";
import type { DeliveryHealthView } from "../settings/connection-health.server";

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

// Shown above the settings when some deliveries have not reached Braze: retrying ones (the worker keeps trying)
// and dead letters (it gave up after 24 hours of retries). Each count links to the activity log filtered on it.
export function DeliveryHealthBanner({ health }: { health: DeliveryHealthView }) {
  const { retrying, deadLetters } = health;
  if (retrying === 0 && deadLetters === 0) return null;
  const title = deadLetters > 0 ? "Some deliveries did not reach Braze" : "Some deliveries are waiting to be retried";
  return (
    <Banner tone="warning" title={title}>
      <BlockStack gap="100">
        {retrying > 0 && (
          <Text as="p">
            {retrying} {plural(retrying, "delivery is", "deliveries are")} being retried: Braze could not take{" "}
            {plural(retrying, "it", "them")} yet and the app keeps trying.{" "}
            <Link url="/app/activity?status=retrying">View retrying deliveries</Link>
          </Text>
        )}
        {deadLetters > 0 && (
          <Text as="p">
            {deadLetters} {plural(deadLetters, "dead letter", "dead letters")}: no longer retried after 24 hours of
            failures. Retry {plural(deadLetters, "it", "them")} from the activity log once Braze is reachable.{" "}
            <Link url="/app/activity?status=dead_letter">View dead letters</Link>
          </Text>
        )}
      </BlockStack>
    </Banner>
  );
}
