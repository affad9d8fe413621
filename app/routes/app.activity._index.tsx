import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Card, EmptyState, Layout, Page, Pagination } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { activityPage } from "../activity/activity-log.server";
import { hasActivityFilters, readActivityFilters, readPageCursor, withPageCursor } from "../activity/filters";
import { retryRequested } from "../activity/replay.server";
import { ActivityFilterBar, useActivityFilters } from "../ui/ActivityFilterBar";
import { ActivityList } from "../ui/ActivityList";
import { ConfirmationModal } from "../ui/ConfirmationModal";

export const meta: MetaFunction = () => [{ title: "Activity · Okendo → Braze" }];

const EMPTY_STATE_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const filters = readActivityFilters(params);
  const page = await activityPage(session.shop, filters, readPageCursor(params));
  return { ...page, filtered: hasActivityFilters(filters) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const { status, ...result } = await retryRequested(session.shop, await request.formData());
  return data(result, { status });
}

type RetryData = { ok: boolean; message: string };

export default function Activity() {
  const { messages, newerCursor, olderCursor, connected, anyDeliveries, retryAllCount, filtered } =
    useLoaderData<typeof loader>();
  const { search } = useLocation();
  const { filters, apply, clear } = useActivityFilters();
  const [confirmRetryAll, setConfirmRetryAll] = useState(false);
  const shopify = useAppBridge();
  const fetcher = useFetcher<RetryData>({ key: "activity-retry" });
  const revalidator = useRevalidator();

  useEffect(() => {
    if (fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.data, shopify]);

  // Queued rows are usually sent within a second or two: keep the page current while any are on it.
  const sending = connected && messages.some((message) => message.deliveries.some((row) => row.status === "queued"));
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [sending, revalidator]);

  const params = new URLSearchParams(search);
  const pageUrl = (cursor: { before: number } | { after: number }) => `?${withPageCursor(params, cursor)}`;
  const submitting = (intent: string, ids?: number[]) =>
    fetcher.state !== "idle" &&
    fetcher.formData?.get("intent") === intent &&
    (ids === undefined || fetcher.formData?.getAll("id").join() === ids.join());
  const retryAll = () => fetcher.submit({ intent: "retry-all" }, { method: "post" });

  return (
    <Page
      title="Activity"
      subtitle="Every message received, and what went to Braze, newest first"
      primaryAction={
        anyDeliveries
          ? {
              content: "Retry all failed",
              disabled: retryAllCount === 0,
              loading: submitting("retry-all"),
              onAction: () => setConfirmRetryAll(true),
            }
          : undefined
      }
    >
      <ConfirmationModal
        open={confirmRetryAll}
        onClose={() => setConfirmRetryAll(false)}
        title={`Retry ${retryAllCount} failed ${retryAllCount === 1 ? "delivery" : "deliveries"}?`}
        confirm="Retry all"
        onConfirm={retryAll}
      >
        Every failed and dead-lettered delivery is sent to Braze again, test events included. What Braze refused for a
        reason that still holds (a malformed event, a missing permission) fails again; nothing Braze accepted is sent
        twice.
      </ConfirmationModal>
      <Layout>
        <Layout.Section>
          {!anyDeliveries ? (
            <Card>
              <NothingYet connected={connected} settingsUrl={`/app${search}`} />
            </Card>
          ) : (
            <Card padding="0">
              <ActivityFilterBar />
              <ActivityList
                messages={messages}
                detailUrl={(id) => `/app/activity/${id}${search}`}
                onRetry={(ids) => fetcher.submit({ intent: "retry", id: ids.map(String) }, { method: "post" })}
                retrying={(ids) => submitting("retry", ids)}
                emptyState={
                  filtered ? (
                    <EmptyState
                      heading="No deliveries match these filters"
                      image={EMPTY_STATE_IMAGE}
                      action={{ content: "Clear filters", onAction: clear }}
                    >
                      <p>Try another status, event or date, or clear the filters to see everything.</p>
                    </EmptyState>
                  ) : (
                    <EmptyState
                      heading="Only test events so far"
                      image={EMPTY_STATE_IMAGE}
                      action={{ content: "Show test events", onAction: () => apply({ ...filters, tests: "shown" }) }}
                    >
                      <p>Test events are left out of the list unless you ask for them.</p>
                    </EmptyState>
                  )
                }
              />
              {(newerCursor || olderCursor) && (
                <Pagination
                  type="table"
                  hasPrevious={Boolean(newerCursor)}
                  previousURL={newerCursor ? pageUrl(newerCursor) : undefined}
                  previousTooltip="Newer"
                  hasNext={Boolean(olderCursor)}
                  nextURL={olderCursor ? pageUrl(olderCursor) : undefined}
                  nextTooltip="Older"
                  accessibilityLabels={{ previous: "Newer messages", next: "Older messages" }}
                />
              )}
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function NothingYet({ connected, settingsUrl }: { connected: boolean; settingsUrl: string }) {
  return connected ? (
    <EmptyState
      heading="Nothing received from Okendo yet"
      image={EMPTY_STATE_IMAGE}
      action={{ content: "Open settings", url: settingsUrl }}
    >
      <p>
        Braze is connected. Connect Okendo in Settings (or set it up by hand there with the app's webhook URL and
        signing secret): every event it sends appears here with exactly what went to Braze.
      </p>
    </EmptyState>
  ) : (
    <EmptyState
      heading="Nothing sent to Braze yet"
      image={EMPTY_STATE_IMAGE}
      action={{ content: "Connect Braze", url: settingsUrl }}
    >
      <p>
        Connect your Braze account in Settings, then add this app's webhook URL and signing secret to Okendo. Every
        event Okendo sends appears here with exactly what went to Braze.
      </p>
    </EmptyState>
  );
}
