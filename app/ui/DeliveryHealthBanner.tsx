import { Banner, BlockStack, Link, Text } from "@shopify/polaris";
import { activityUrl } from "../activity/filters";
import type { DeliveryHealthView } from "../activity/delivery-health.server";

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const deliveries = (n: number) => `${n} ${plural(n, "delivery", "deliveries")}`;
// Test events count in the banner, so its links show them too.
const activity = (statuses: Parameters<typeof activityUrl>[0]["statuses"]) => activityUrl({ statuses, tests: "shown" });
const WAITING = activity(["queued", "waiting_identity", "retrying"]);

export const needsAttention = (health: DeliveryHealthView) =>
  Boolean(health.keyRejected || health.paused || health.failed || health.deadLetters || health.retrying);

// Everything about deliveries that needs someone: each state with its count and a link to those deliveries in
// Activity. Nothing is shown when all is well.
export function DeliveryHealthBanner({ health }: { health: DeliveryHealthView }) {
  const { keyRejected, paused, waiting, retrying, deadLetters, failed } = health;
  return (
    <>
      {keyRejected && (
        <Banner
          tone="critical"
          title="Braze rejected the API key"
          action={{ content: "Reconnect", url: "/app/settings" }}
        >
          <Text as="p">
            {keyRejected.reason ?? "Braze no longer accepts this key."} Nothing is sent until you reconnect with a valid
            key; {waiting > 0 ? <Link url={WAITING}>{deliveries(waiting)}</Link> : "new deliveries"} wait and are kept.
          </Text>
        </Banner>
      )}
      {paused && (
        <Banner tone="warning" title="Deliveries are paused by the app">
          <Text as="p">
            {paused.reason} {waiting > 0 && <Link url={WAITING}>{`${deliveries(waiting)} waiting`}</Link>}
          </Text>
        </Banner>
      )}
      {(failed > 0 || deadLetters > 0 || retrying > 0) && (
        <Banner
          tone={failed > 0 || deadLetters > 0 ? "critical" : "warning"}
          title={
            failed > 0 || deadLetters > 0
              ? "Some deliveries did not reach Braze"
              : "Some deliveries are waiting to be retried"
          }
        >
          <BlockStack gap="100">
            {failed > 0 && (
              <Text as="p">
                {deliveries(failed)} failed permanently: Braze refused {plural(failed, "it", "them")}, and{" "}
                {plural(failed, "it is", "they are")} not retried by itself. Each shows Braze's reason; fix the cause,
                then retry from Activity. <Link url={activity(["failed"])}>View failed deliveries</Link>
              </Text>
            )}
            {deadLetters > 0 && (
              <Text as="p">
                {deadLetters} {plural(deadLetters, "dead letter", "dead letters")}: no longer retried after 24 hours of
                failures. Retry {plural(deadLetters, "it", "them")} from the activity log once Braze is reachable.{" "}
                <Link url={activity(["dead_letter"])}>View dead letters</Link>
              </Text>
            )}
            {retrying > 0 && (
              <Text as="p">
                {retrying} {plural(retrying, "delivery is", "deliveries are")} being retried: Braze could not take{" "}
                {plural(retrying, "it", "them")} yet and the app keeps trying.{" "}
                <Link url={activity(["retrying"])}>View retrying deliveries</Link>
              </Text>
            )}
          </BlockStack>
        </Banner>
      )}
    </>
  );
}
