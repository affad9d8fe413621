import { BlockStack, Card, DescriptionList, InlineStack, Link, Text } from "@shopify/polaris";
import type { DeliveryDetail } from "../activity/activity-log.server";
import { DeliveryStatus, DeliveryStatusBadge } from "./DeliveryStatusBadge";
import { formatUtc } from "./format";
import { JsonBlock } from "./JsonBlock";

const SOURCE_NAMES: Record<string, string> = {
  okendo: "Okendo",
  flow: "Shopify Flow",
  test: "Send test events",
  recovery: "Okendo's API (recovered: its webhook never arrived)",
};

function whatHappenedToTheObject(detail: DeliveryDetail): string {
  switch (detail.row.status) {
    case "delivered":
      return "Braze accepted exactly this object.";
    case "failed":
      return "This object was sent to Braze, which did not accept it. Retry sends it again.";
    case "dead_letter":
      return "Braze could not be reached for more than a day while sending this object. Retry sends it again.";
    case "skipped":
      return "Not sent: the event is switched off in Settings.";
    case "replayed":
      return "Replaced by the deliveries listed below.";
    default:
      return detail.row.statusLabel === "Waiting for connection"
        ? "Sent once Braze is connected again."
        : "Waiting to be sent, exactly as shown.";
  }
}

// What happened, in a merchant's words: who sent what, for whom, and how it went.
function story(detail: DeliveryDetail): string[] {
  const { row } = detail;
  const received = formatUtc(detail.inbound?.receivedAt ?? detail.createdAt);
  const what =
    detail.kind === "delete"
      ? `Shopify asked for this customer's data to be erased on ${received}, so the app asks Braze to delete the user (${row.customer}).`
      : detail.inbound?.source === "test"
        ? `A test event, sent from Settings on ${received} for the test user.`
        : `${row.source} sent ${row.subject === "Attribute update" ? "a profile update" : row.subject} on ${received}, for ${row.customer}.`;
  const tries = `${detail.attempts} ${detail.attempts === 1 ? "attempt" : "attempts"}`;
  const outcome = (() => {
    switch (row.status) {
      case "delivered":
        return `Braze accepted it${detail.deliveredAt ? ` on ${formatUtc(detail.deliveredAt)}` : ""} (${tries}).`;
      case "failed":
        return detail.brazeObject === null
          ? `It could not be sent: ${detail.lastError ?? "no Braze identifier for this customer"}. Retry tries again.`
          : `Braze refused it: ${detail.lastError ?? "no reason given"}. It is not retried by itself; once the cause is fixed, Retry sends it again.`;
      case "dead_letter":
        return `Braze could not be reached for more than a day, so the app stopped after ${tries}. Retry sends it again.`;
      case "retrying":
        return `Braze could not take it yet (${detail.lastError ?? "no answer"}); the app tries again at ${formatUtc(detail.nextAttemptAt)}.`;
      case "waiting_identity":
        return "The app is looking this customer up in Shopify, then sends it.";
      case "unmapped":
        return `It is not one of the events this app sends to Braze (${detail.lastError ?? "unknown message"}), so nothing was sent. Retry reads it again with the current mapping.`;
      case "skipped":
        return "Not sent: the event is switched off on the home page.";
      case "replayed":
        return "It was read again and replaced by the deliveries listed below.";
      case "cancelled":
        return "Not sent: the app was uninstalled, or the customer's data erased, before it went out.";
      default:
        return row.statusLabel === "Waiting for connection"
          ? "It waits until Braze is connected, then goes out."
          : "It is on its way to Braze.";
    }
  })();
  return [what, outcome];
}

export function DeliveryDetailView({
  detail,
  detailUrl,
}: {
  detail: DeliveryDetail;
  detailUrl: (id: number) => string;
}) {
  const { row } = detail;
  const pending = row.status === "queued" || row.status === "retrying";
  const summary = [
    { term: "Status", description: <DeliveryStatus row={row} /> },
    { term: "Source", description: row.source },
    { term: "Customer", description: row.customer },
    { term: "Braze identifier", description: row.identifier },
    { term: "Attempts", description: String(detail.attempts) },
    { term: "Created", description: formatUtc(detail.createdAt) },
    ...(detail.firstAttemptAt ? [{ term: "First attempt", description: formatUtc(detail.firstAttemptAt) }] : []),
    ...(pending ? [{ term: "Next attempt", description: formatUtc(detail.nextAttemptAt) }] : []),
    ...(detail.deliveredAt ? [{ term: "Delivered", description: formatUtc(detail.deliveredAt) }] : []),
    ...(detail.lastError ? [{ term: "Last error", description: detail.lastError }] : []),
    ...(detail.note ? [{ term: "Note", description: detail.note }] : []),
  ];

  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Summary
          </Text>
          {story(detail).map((sentence) => (
            <Text as="p" key={sentence}>
              {sentence}
            </Text>
          ))}
          <DescriptionList items={summary} />
        </BlockStack>
      </Card>

      <BlockStack gap="100">
        <Text as="h2" variant="headingMd">
          Exact data
        </Text>
        <Text as="p" tone="subdued">
          For engineers: the object for Braze, Braze's answer and the message as received, exactly as they are.
        </Text>
      </BlockStack>

      {detail.brazeObject !== null ? (
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Braze object
            </Text>
            <Text as="p" tone="subdued">
              {whatHappenedToTheObject(detail)}
            </Text>
            <JsonBlock label="Braze object" json={detail.brazeObject} />
          </BlockStack>
        </Card>
      ) : (
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Not sent to Braze
            </Text>
            <Text as="p">
              {detail.kind === "unmapped"
                ? "This message is not one of the catalog events, so there is nothing to send. Retry reads it again with the current mapping."
                : "No Braze identifier could be found for this customer. Retry identifies the customer again (for example after they exist in Shopify, or after changing the identification setting)."}
            </Text>
            {detail.normalizedMessage && <JsonBlock label="Message as understood" json={detail.normalizedMessage} />}
          </BlockStack>
        </Card>
      )}

      <Card>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Braze's answer
          </Text>
          {detail.brazeResponse ? (
            <JsonBlock label="Braze's answer" json={detail.brazeResponse} />
          ) : (
            <Text as="p" tone="subdued">
              No answer from Braze for this object.
            </Text>
          )}
        </BlockStack>
      </Card>

      {detail.inbound && (
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Message as received
            </Text>
            <Text as="p" tone="subdued">
              From {SOURCE_NAMES[detail.inbound.source] ?? detail.inbound.source}, received{" "}
              {formatUtc(detail.inbound.receivedAt)}, message ID {detail.inbound.messageId}.
            </Text>
            <JsonBlock label="Message as received" json={detail.inbound.payload} />
          </BlockStack>
        </Card>
      )}

      {detail.related.length > 0 && (
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Other deliveries from this message
            </Text>
            <BlockStack gap="100" as="ul">
              {detail.related.map((other) => (
                <InlineStack as="li" key={other.id} gap="200" blockAlign="center">
                  <Link url={detailUrl(other.id)}>{`${other.subject} (delivery ${other.id})`}</Link>
                  <DeliveryStatusBadge row={other} />
                </InlineStack>
              ))}
            </BlockStack>
          </BlockStack>
        </Card>
      )}
    </BlockStack>
  );
}
