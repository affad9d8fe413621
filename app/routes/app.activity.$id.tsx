import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Card, EmptyState, Layout, Page } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { deliveryDetail } from "../activity/activity-log.server";
import { retryRequested } from "../activity/replay.server";
import { DeliveryDetailView } from "../ui/DeliveryDetailView";
import { DeliveryStatusBadge } from "../ui/DeliveryStatusBadge";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.detail?.row.subject ?? "Delivery"} · Okendo → Braze` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const id = Number(params.id);
  // Another shop's delivery is indistinguishable from one that does not exist.
  const detail = Number.isSafeInteger(id) && id > 0 ? await deliveryDetail(session.shop, id) : null;
  return data({ detail }, { status: detail ? 200 : 404 });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  form.set("intent", "retry");
  form.set("id", String(params.id));
  const { status, ...result } = await retryRequested(session.shop, form);
  return data(result, { status });
}

type RetryData = { ok: boolean; message: string };

export default function DeliveryDetailPage() {
  const { detail } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const shopify = useAppBridge();
  const fetcher = useFetcher<RetryData>();
  const revalidator = useRevalidator();
  const backAction = { content: "Activity", url: `/app/activity${search}` };

  useEffect(() => {
    if (fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.data, shopify]);

  const sending = detail?.row.status === "queued" && detail.row.statusLabel !== "Waiting for connection";
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [sending, revalidator]);

  if (!detail) {
    return (
      <Page title="Delivery not found" backAction={backAction}>
        <Card>
          <EmptyState
            heading="This delivery does not exist"
            image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            action={{ content: "Back to activity", url: backAction.url }}
          >
            <p>It may have been removed after the retention period, or after a customer's data was erased.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const { row } = detail;
  return (
    <Page
      title={row.subject}
      subtitle={`Delivery ${row.id} · from ${row.source}`}
      titleMetadata={<DeliveryStatusBadge row={row} />}
      backAction={backAction}
      primaryAction={
        row.retryable
          ? {
              content: "Retry",
              loading: fetcher.state !== "idle",
              onAction: () => fetcher.submit({ intent: "retry" }, { method: "post" }),
            }
          : undefined
      }
    >
      <Layout>
        <Layout.Section>
          <DeliveryDetailView detail={detail} detailUrl={(id) => `/app/activity/${id}${search}`} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
