import { useEffect } from "react";
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
import { ActivityTable } from "../ui/ActivityTable";

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
  const { rows, newerCursor, olderCursor, connected, anyDeliveries, retryAllCount, filtered } =
    useLoaderData<typeof loader>();
  const { search } = useLocation();
  const { clear } = useActivityFilters();
  const shopify = useAppBridge();
  const fetcher = useFetcher<RetryData>({ key: "activity-retry" });
  const revalidator = useRevalidator();

  useEffect(() => {
    if (fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.data, shopify]);

  // Queued rows are usually sent within a second or two: keep the page current while any are on it.
  const sending = connected && rows.some((row) => row.status === "queued");
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [sending, revalidator]);

  const params = new URLSearchParams(search);
  const pageUrl = (cursor: { before: number } | { after: number }) => `?${withPageCursor(params, cursor)}`;
  const submitting = (intent: string, id?: number) =>
    fetcher.state !== "idle" &&
    fetcher.formData?.get("intent") === intent &&
    (id === undefined || fetcher.formData?.get("id") === String(id));

  return (
    <Page
      title="Activity"
      subtitle="Everything on its way to Braze, newest first"
      primaryAction={
        anyDeliveries
          ? {
              content: "Retry all failed",
              disabled: retryAllCount === 0,
              loading: submitting("retry-all"),
              onAction: () => fetcher.submit({ intent: "retry-all" }, { method: "post" }),
            }
          : undefined
      }
    >
      <Layout>
        <Layout.Section>
          {!anyDeliveries ? (
            <Card>
              <NothingYet connected={connected} settingsUrl={`/app${search}`} />
            </Card>
          ) : (
            <Card padding="0">
              <ActivityFilterBar />
              <ActivityTable
                rows={rows}
                detailUrl={(id) => `/app/activity/${id}${search}`}
                onRetry={(id) => fetcher.submit({ intent: "retry", id }, { method: "post" })}
                retrying={(id) => submitting("retry", id)}
                emptyState={
                  <EmptyState
                    heading={filtered ? "No deliveries match these filters" : "No deliveries on this page"}
                    image={EMPTY_STATE_IMAGE}
                    action={{ content: "Clear filters", onAction: clear }}
                  >
                    <p>Try another status, event or date, or clear the filters to see everything.</p>
                  </EmptyState>
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
                  accessibilityLabels={{ previous: "Newer deliveries", next: "Older deliveries" }}
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
