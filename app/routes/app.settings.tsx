import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import {
  brazeConnectionView,
  connectBraze,
  disconnectBraze,
  setIdentifyByCustomerId,
} from "../settings/braze-connection.server";
import { okendoConnectionView } from "../okendo/connection-view.server";
import { connectOkendo, disconnectOkendo, okendoApiConnectionView, repairOkendo } from "../okendo/connection.server";
import { rotateSigningSecret, saveOkendoProvidedSecret } from "../okendo/signing-secrets.server";
import { rotateSequencesToken } from "../okendo/sequences-token.server";
import { BrazeConnectionCard } from "../ui/BrazeConnectionCard";
import { OkendoConnectionCard } from "../ui/OkendoConnectionCard";
import { AdvancedSettingsCard } from "../ui/AdvancedSettingsCard";
import { eventsCardView, setEventEnabled } from "../settings/events.server";
import { deliveryHealthView } from "../settings/connection-health.server";
import { latestTestRun, sendTestEvents } from "../outbox/test-events.server";
import { EventsCard } from "../ui/EventsCard";
import { TestEventsCard } from "../ui/TestEventsCard";
import { DeliveryHealthBanner } from "../ui/DeliveryHealthBanner";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const connection = await brazeConnectionView(session.shop); // creates the shop's row on first visit
  const [okendo, okendoApi, events, health, testRun] = await Promise.all([
    okendoConnectionView(session.shop),
    okendoApiConnectionView(session.shop),
    eventsCardView(session.shop),
    deliveryHealthView(session.shop),
    latestTestRun(session.shop),
  ]);
  return { connection, okendo, okendoApi, events, health, testRun };
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "connect") {
    const result = await connectBraze(session.shop, {
      endpoint: String(form.get("endpoint") ?? ""),
      apiKey: String(form.get("apiKey") ?? ""),
    });
    return data(result.ok ? { ok: true as const, intent } : result, { status: result.ok ? 200 : 422 });
  }
  if (intent === "disconnect") {
    await disconnectBraze(session.shop);
    return { ok: true as const, intent };
  }
  if (intent === "identity") {
    await setIdentifyByCustomerId(session.shop, form.get("identifyByCustomerId") === "true");
    return { ok: true as const, intent };
  }
  if (intent === "rotate-sequences-token") {
    await rotateSequencesToken(session.shop);
    return { ok: true as const, intent };
  }
  if (intent === "rotate-secret") {
    await rotateSigningSecret(session.shop);
    return { ok: true as const, intent };
  }
  if (intent === "okendo-secret") {
    const problem = await saveOkendoProvidedSecret(session.shop, String(form.get("okendoSecret") ?? ""));
    return problem
      ? data({ ok: false as const, fieldErrors: { okendoSecret: problem } }, { status: 422 })
      : { ok: true as const, intent };
  }
  if (intent === "okendo-connect") {
    const result = await connectOkendo(session.shop, {
      userId: String(form.get("userId") ?? ""),
      apiKey: String(form.get("apiKey") ?? ""),
      apiBase: form.has("apiBase") ? String(form.get("apiBase")) : undefined,
    });
    return result.ok ? { ok: true as const, intent } : data({ ...result, intent }, { status: 422 });
  }
  if (intent === "okendo-repair" || intent === "okendo-disconnect") {
    const result = intent === "okendo-repair" ? await repairOkendo(session.shop) : await disconnectOkendo(session.shop);
    return result.ok ? { ...result, intent } : data({ ...result, intent }, { status: 422 });
  }
  if (intent === "event-switch") {
    const saved = await setEventEnabled(
      session.shop,
      String(form.get("eventName") ?? ""),
      form.get("enabled") === "true",
    );
    return saved
      ? { ok: true as const, intent }
      : data({ ok: false as const, connectionError: "Unknown event." }, { status: 422 });
  }
  if (intent === "send-test-events") {
    const result = await sendTestEvents(session.shop);
    return result.ok
      ? { ok: true as const, intent, events: result.events }
      : data({ ok: false as const, testEventsError: result.error }, { status: 422 });
  }
  return data({ ok: false as const, connectionError: `Unknown action "${String(intent)}".` }, { status: 400 });
}

export default function BrazeSettings() {
  const { connection, okendo, okendoApi, events, health, testRun } = useLoaderData<typeof loader>();
  const enabledEvents = events.groups.flatMap((group) => group.events).filter((event) => event.enabled).length;
  return (
    <Page title="Braze">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <DeliveryHealthBanner health={health} />
            <BrazeConnectionCard connection={connection} />
            {connection.status === "connected" && (
              <TestEventsCard testRun={testRun} connectedAt={connection.connectedAt} enabledEvents={enabledEvents} />
            )}
            <OkendoConnectionCard connection={okendoApi} manual={okendo} />
            <EventsCard events={events} />
            <AdvancedSettingsCard identifyByCustomerId={connection.identifyByCustomerId} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
