import { useEffect } from "react";
import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { TestEventResult, TestRunView } from "../outbox/test-events.server";
import { formatUtc } from "./format";

type SendActionData = { ok: true; intent: "send-test-events"; events: number } | { ok: false; testEventsError: string };

// The test user every test event is for, as the merchant finds it in Braze.
const TEST_USER_TEXT = "external_id okendo-braze-test-user (okendo-test-user@example.com, Okendo Test User)";
const POLL_MS = 1_500;

export function TestEventsCard({
  testRun,
  connectedAt,
  enabledEvents,
}: {
  testRun: TestRunView | null;
  connectedAt: string | null;
  enabledEvents: number;
}) {
  const fetcher = useFetcher<SendActionData>({ key: "test-events" });
  const revalidator = useRevalidator();
  const sending = fetcher.state !== "idle";
  const inProgress = Boolean(testRun?.inProgress);

  // The worker sends the events; check back until every one has an outcome.
  useEffect(() => {
    if (!inProgress) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [inProgress, revalidator]);

  const send = () => fetcher.submit({ intent: "send-test-events" }, { method: "post" });
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.testEventsError : undefined;
  // Right after connecting (no test sent on this connection yet) the card opens with an invitation.
  const invite = !testRun || (connectedAt !== null && testRun.sentAt < connectedAt);
  const description = `Sends one sample of each switched-on event (${enabledEvents}) to Braze for the test user ${TEST_USER_TEXT}, so you can build Canvases and segments before real events arrive.`;

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Test events
        </Text>
        {error && (
          <Banner tone="critical" title="Test events not sent">
            <p>{error}</p>
          </Banner>
        )}
        {invite ? (
          <Banner
            tone="info"
            title="Connected. Send test events to Braze?"
            action={{ content: "Send test events", onAction: send, loading: sending, disabled: enabledEvents === 0 }}
          >
            <p>{description}</p>
          </Banner>
        ) : (
          <>
            <Text as="p" tone="subdued">
              {description}
            </Text>
            {testRun && <TestRunResults run={testRun} />}
            <InlineStack align="end">
              <Button onClick={send} loading={sending} disabled={inProgress || enabledEvents === 0}>
                Send test events
              </Button>
            </InlineStack>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function TestRunResults({ run }: { run: TestRunView }) {
  const delivered = run.results.filter((result) => result.status === "delivered").length;
  const failed = run.results.filter((result) => result.status === "failed").length;
  const summary = run.inProgress
    ? `Sending… ${delivered} of ${run.results.length} delivered so far.`
    : `${delivered} of ${run.results.length} delivered${failed > 0 ? `, ${failed} failed` : ""}.`;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Sent {formatUtc(run.sentAt)}
      </Text>
      <div role="status">
        <Text as="p">{summary}</Text>
      </div>
      {run.results.length > 0 ? (
        <DataTable
          columnContentTypes={["text", "text"]}
          headings={["Event", "Result"]}
          rows={run.results.map((result) => [
            result.eventName,
            <TestEventOutcome key={result.eventName} result={result} />,
          ])}
        />
      ) : (
        <Text as="p" tone="subdued">
          The results of this test are no longer kept.
        </Text>
      )}
    </BlockStack>
  );
}

function TestEventOutcome({ result }: { result: TestEventResult }) {
  switch (result.status) {
    case "delivered":
      return <Badge tone="success">Delivered</Badge>;
    case "sending":
      return (
        <Badge tone="info" progress="partiallyComplete">
          Sending
        </Badge>
      );
    case "retrying":
      return (
        <BlockStack gap="100" inlineAlign="start">
          <Badge tone="warning">Retrying</Badge>
          <Text as="span" tone="subdued">
            {result.reason}
            {result.nextAttemptAt ? ` Next attempt ${formatUtc(result.nextAttemptAt)}.` : ""}
          </Text>
        </BlockStack>
      );
    case "failed":
      return (
        <BlockStack gap="100" inlineAlign="start">
          <Badge tone="critical">Failed</Badge>
          <Text as="span" tone="critical">
            {result.reason}
          </Text>
        </BlockStack>
      );
  }
}
