import { useId, useState, type ReactNode } from "react";
import { Badge, Button, InlineStack, Link, Text } from "@shopify/polaris";
import type { ActivityMessage } from "../activity/activity-log.server";
import { DeliveryStatus, DeliveryStatusBadge } from "./DeliveryStatusBadge";
import { formatUtc } from "./format";
import styles from "./ActivityList.module.css";

// The activity log: one entry per received message — its event and what else it made (the attribute update) —
// with who it was for, where it came from, and how it went. The same list on every screen: columns side by side
// from 768 px, stacked below (CSS only, so nothing moves once the page is interactive).
export function ActivityList({
  messages,
  detailUrl,
  onRetry,
  retrying,
  emptyState,
}: {
  messages: ActivityMessage[];
  detailUrl: (id: number) => string;
  onRetry: (ids: number[]) => void;
  retrying: (ids: number[]) => boolean;
  emptyState: ReactNode;
}) {
  if (messages.length === 0) return <>{emptyState}</>;
  return (
    <div className={styles.Container}>
      <div className={styles.Headings} aria-hidden="true">
        <span>Received (UTC)</span>
        <span>Message</span>
        <span>Customer</span>
        <span>Status</span>
        <span />
      </div>
      <ul className={styles.List} aria-label="Received messages">
        {messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            detailUrl={detailUrl}
            onRetry={onRetry}
            retrying={retrying(message.retryIds)}
          />
        ))}
      </ul>
    </div>
  );
}

// "With attribute update", or for a message of many objects "With attribute update, Okendo Review Request and 12 more".
function alsoMade(subjects: string[]): string {
  const named = [...new Set(subjects)].slice(0, 2);
  const more = subjects.filter((subject) => !named.includes(subject)).length;
  const words = named.map((subject) => (subject === "Attribute update" ? "attribute update" : subject));
  return `With ${words.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

function MessageItem({
  message,
  detailUrl,
  onRetry,
  retrying,
}: {
  message: ActivityMessage;
  detailUrl: (id: number) => string;
  onRetry: (ids: number[]) => void;
  retrying: boolean;
}) {
  const [open, setOpen] = useState(false);
  const deliveriesId = useId();
  const others = message.deliveries.filter((row) => row.id !== message.id);
  const count = message.deliveries.length;
  return (
    <li className={styles.Message}>
      <div className={styles.Row}>
        <span className={styles.Time}>
          <Text as="span" tone="subdued" numeric>
            <time dateTime={message.receivedAt}>{formatUtc(message.receivedAt).replace(/ UTC$/, "")}</time>
            {` · ${message.source}`}
          </Text>
        </span>
        <span className={styles.Subject}>
          <InlineStack gap="200" blockAlign="center">
            <Link url={detailUrl(message.id)}>{message.subject}</Link>
            {message.test && <Badge tone="info">Test</Badge>}
          </InlineStack>
          {others.length > 0 && (
            <Text as="p" variant="bodySm" tone="subdued">
              {alsoMade(others.map((row) => row.subject))}
            </Text>
          )}
        </span>
        <span className={styles.Customer}>{message.customer}</span>
        <span className={styles.Status}>
          <DeliveryStatus row={message.status} />
        </span>
        <span className={styles.Actions}>
          <InlineStack gap="200" wrap={false}>
            {count > 1 && (
              <Button
                variant="plain"
                disclosure={open ? "up" : "down"}
                ariaExpanded={open}
                ariaControls={deliveriesId}
                onClick={() => setOpen((value) => !value)}
              >
                {`${count} deliveries`}
              </Button>
            )}
            {message.retryIds.length > 0 && (
              <Button
                size="slim"
                onClick={() => onRetry(message.retryIds)}
                loading={retrying}
                accessibilityLabel={`Retry ${message.subject} (${message.retryIds.length === 1 ? "delivery" : "deliveries"} ${message.retryIds.join(", ")})`}
              >
                Retry
              </Button>
            )}
          </InlineStack>
        </span>
      </div>
      {count > 1 && (
        <ul
          id={deliveriesId}
          className={styles.Deliveries}
          hidden={!open}
          aria-label={`Deliveries of ${message.subject}`}
        >
          {message.deliveries.map((row) => (
            <li key={row.id} className={styles.Delivery}>
              <Link url={detailUrl(row.id)}>{`${row.subject} (delivery ${row.id})`}</Link>
              <DeliveryStatusBadge row={row} />
              <Text as="span" variant="bodySm" tone="subdued">
                {`${row.attempts} ${row.attempts === 1 ? "attempt" : "attempts"}`}
                {row.statusDetail ? ` · ${row.statusDetail}` : ""}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
