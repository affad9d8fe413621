import { useEffect, useId } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, List, ProgressBar, Text } from "@shopify/polaris";
import type { HistoryImportCommandResult, HistoryImportView } from "../okendo/history-import.server";
import { formatUtc } from "./format";

const ROUTE = "/app/okendo-history";
const POLL_MS = 1_500;

type Answer = HistoryImportCommandResult;

// Import history, on the Okendo card once Okendo is connected: start, progress (from the database, so it survives a
// reload and a restart of the app), cancel, and the summary. The page polls while the import runs.
export function HistoryImport({ initial }: { initial: HistoryImportView | null }) {
  const poll = useFetcher<Answer>({ key: "history-import-poll" });
  const command = useFetcher<Answer>({ key: "history-import" });
  const headingId = useId();
  const latest = [command.data, poll.data].find((answer) => answer?.ok);
  // The freshest answer wins: a command's answer until the next poll comes back.
  const current = poll.state === "idle" && poll.data?.ok ? poll.data.view : latest?.ok ? latest.view : initial;
  const running = current?.status === "running";
  const failure = command.data && !command.data.ok ? command.data.error : undefined;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (poll.state === "idle") poll.load(ROUTE);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, poll]);

  return (
    <section aria-labelledby={headingId}>
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm" id={headingId}>
          Import history
        </Text>
        <Text as="p">
          Reads every approved review in Okendo and sets each reviewer's Average Review Rating, Average Review Sentiment
          and Number of Reviews in Braze, counting reviews from before the app was installed. It sends{" "}
          <strong>attributes only, never events</strong>, so no Canvas or campaign is triggered by old reviews. New
          reviews then continue from the true totals.
        </Text>
        <CannotKnow />
        {failure && (
          <Banner tone="warning" title="Not started">
            <p>{failure}</p>
          </Banner>
        )}
        {current && <Progress view={current} labelledBy={headingId} />}
        <InlineStack align="end" gap="200">
          {running ? (
            <command.Form method="post" action={ROUTE}>
              <input type="hidden" name="intent" value="cancel" />
              <Button submit loading={command.state !== "idle"}>
                Cancel import
              </Button>
            </command.Form>
          ) : (
            <command.Form method="post" action={ROUTE}>
              <input type="hidden" name="intent" value="start" />
              <Button submit loading={command.state !== "idle"}>
                Import history (attributes only, no events)
              </Button>
            </command.Form>
          )}
        </InlineStack>
      </BlockStack>
    </section>
  );
}

function CannotKnow() {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued">
        What the import cannot know:
      </Text>
      <List type="bullet">
        <List.Item>
          Reviews are matched to customers by the reviewer's email (or Shopify customer ID) as Okendo stored it when the
          review was written. Reviews left without an email, or under an address the customer no longer uses, are not
          attributed to anyone.
        </List.Item>
        <List.Item>Only approved reviews are read: pending and rejected reviews are not counted.</List.Item>
        <List.Item>
          Reviews deleted in Okendo are not in its API, so they are not counted, and totals already in Braze are not
          lowered for them.
        </List.Item>
      </List>
    </BlockStack>
  );
}

function timeLeft(seconds: number | null): string {
  if (seconds === null) return "time left not known yet";
  if (seconds < 60) return "less than a minute left (estimate)";
  const minutes = Math.round(seconds / 60);
  return `about ${minutes < 90 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`} left (estimate)`;
}

function Progress({ view, labelledBy }: { view: HistoryImportView; labelledBy: string }) {
  const counts =
    `${view.reviewsRead.toLocaleString("en")} reviews read, ` +
    `${view.customersUpdated.toLocaleString("en")} customers updated`;
  if (view.status === "running") {
    return (
      <BlockStack gap="200">
        <ProgressBar progress={view.percent} ariaLabelledBy={labelledBy} />
        <p role="status">
          <Text as="span">
            {view.phase === "reading" ? "Reading reviews" : "Sending attributes"}: {counts},{" "}
            {timeLeft(view.secondsLeft)}.
          </Text>
        </p>
        {view.error && (
          <Text as="p" tone="caution">
            {view.error}
          </Text>
        )}
      </BlockStack>
    );
  }
  const when = view.finishedAt ? ` on ${formatUtc(view.finishedAt)}` : "";
  if (view.status === "finished") {
    return (
      <Banner tone="success" title={`History imported${when}`}>
        <p>
          {view.reviewsRead.toLocaleString("en")} reviews read ({view.reviewsCounted.toLocaleString("en")} new to the
          app), {view.customersUpdated.toLocaleString("en")} customers updated in Braze, attributes only.
          {view.reviewsUnattributed > 0 &&
            ` ${view.reviewsUnattributed.toLocaleString("en")} reviews had no reviewer email or Shopify customer ID and were not attributed.`}
        </p>
      </Banner>
    );
  }
  if (view.status === "cancelled") {
    return (
      <Banner tone="info" title={`Import cancelled${when}`}>
        <p>
          {counts} before it was cancelled. Reviews already read stay counted; importing again skips them and sends
          every customer's attributes.
        </p>
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title={`Import stopped${when}`}>
      <p>{view.error ?? "The import stopped."}</p>
    </Banner>
  );
}
