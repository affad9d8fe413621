import type { ReactNode } from "react";
import { Button, IndexTable, Link, Text, type IndexTableProps } from "@shopify/polaris";
import type { ActivityRow } from "../activity/activity-log.server";
import { DeliveryStatus } from "./DeliveryStatusBadge";
import { formatUtc } from "./format";

const headings: IndexTableProps["headings"] = [
  { title: "Time (UTC)" },
  { title: "Source" },
  { title: "Event" },
  { title: "Customer" },
  { title: "Identifier" },
  { title: "Status" },
  { title: "Attempts", alignment: "end" },
  { title: "Actions", hidden: true },
];

export function ActivityTable({
  rows,
  detailUrl,
  onRetry,
  retrying,
  emptyState,
}: {
  rows: ActivityRow[];
  detailUrl: (id: number) => string;
  onRetry: (id: number) => void;
  retrying: (id: number) => boolean;
  emptyState: ReactNode;
}) {
  return (
    <IndexTable
      resourceName={{ singular: "delivery", plural: "deliveries" }}
      itemCount={rows.length}
      headings={headings}
      selectable={false}
      emptyState={emptyState}
    >
      {rows.map((row, position) => (
        <IndexTable.Row id={String(row.id)} key={row.id} position={position}>
          <IndexTable.Cell>
            <Text as="span" numeric>
              {formatUtc(row.createdAt).replace(/ UTC$/, "")}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{row.source}</IndexTable.Cell>
          <IndexTable.Cell>
            <Link url={detailUrl(row.id)} dataPrimaryLink removeUnderline monochrome>
              <Text as="span" fontWeight="semibold">
                {row.subject}
              </Text>
            </Link>
            {row.subjectDetail && (
              <Text as="p" variant="bodySm" tone="subdued">
                {row.subjectDetail}
              </Text>
            )}
          </IndexTable.Cell>
          <IndexTable.Cell>{row.customer}</IndexTable.Cell>
          <IndexTable.Cell>{row.identifier}</IndexTable.Cell>
          <IndexTable.Cell>
            <div style={{ maxWidth: "22rem", whiteSpace: "normal" }}>
              <DeliveryStatus row={row} />
            </div>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {row.attempts}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {row.retryable && (
              // The row itself opens the detail view; the button must not.
              <div onClick={(event) => event.stopPropagation()} role="presentation">
                <Button
                  size="slim"
                  onClick={() => onRetry(row.id)}
                  loading={retrying(row.id)}
                  accessibilityLabel={`Retry delivery ${row.id}`}
                >
                  Retry
                </Button>
              </div>
            )}
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
