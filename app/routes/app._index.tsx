import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { ensureShop } from "../settings/braze-connection.server";
import { connectionsOverview } from "../settings/connections-overview.server";
import { eventsCardView, setEventEnabled } from "../settings/events.server";
import { deliveryHealthView } from "../activity/delivery-health.server";
import { deliveryStatsView } from "../activity/delivery-stats.server";
import { ConnectionsCard } from "../ui/ConnectionsCard";
import { DeliveriesChartCard } from "../ui/DeliveriesChartCard";
import { DeliveryHealthBanner, needsAttention } from "../ui/DeliveryHealthBanner";
import { EventsTable } from "../ui/EventsTable";
import { RecentDeliveriesCard } from "../ui/RecentDeliveriesCard";

export const meta: MetaFunction = () => [{ title: "Home · Okendo → Braze" }];

// The app's home in Shopify admin: health at a glance (what needs the merchant, the connections, deliveries over
// the last day and the last 14 days) and the events with their switches and trends.
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  await ensureShop(session.shop); // the shop's row, on its first visit
  const [connections, health, stats, events] = await Promise.all([
    connectionsOverview(session.shop),
    deliveryHealthView(session.shop),
    deliveryStatsView(session.shop),
    eventsCardView(session.shop),
  ]);
  return { connections, health, stats, events };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "event-switch") {
    const enabled = form.get("enabled") === "true";
    const saved = await setEventEnabled(session.shop, String(form.get("eventName") ?? ""), enabled);
    return saved
      ? { ok: true as const, enabled }
      : data({ ok: false as const, error: "this app does not know that event." }, { status: 422 });
  }
  return data({ ok: false as const, error: `unknown action "${String(intent)}".` }, { status: 400 });
}

export default function Home() {
  const { connections, health, stats, events } = useLoaderData<typeof loader>();
  return (
    <Page title="Home">
      <Layout>
        {needsAttention(health) && (
          <Layout.Section>
            <BlockStack gap="400">
              <DeliveryHealthBanner health={health} />
            </BlockStack>
          </Layout.Section>
        )}
        <Layout.Section>
          <RecentDeliveriesCard recent={stats.last24Hours} />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <ConnectionsCard connections={connections} />
        </Layout.Section>
        <Layout.Section>
          <DeliveriesChartCard days={stats.days} />
        </Layout.Section>
        <Layout.Section>
          <EventsTable events={events} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
