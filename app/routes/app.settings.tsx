import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import {
  brazeConnectionView,
  connectBraze,
  disconnectBraze,
  reconnectBraze,
  setIdentifyByCustomerId,
} from "../settings/braze-connection.server";
import { okendoConnectionView } from "../okendo/connection-view.server";
import { connectOkendo, disconnectOkendo, okendoApiConnectionView, repairOkendo } from "../okendo/connection.server";
import { okendoRecoveryView } from "../okendo/recovery.server";
import { rotateSigningSecret, saveOkendoProvidedSecret } from "../okendo/signing-secrets.server";
import { rotateSequencesToken } from "../okendo/sequences-token.server";
import { historyImportView } from "../okendo/history-import.server";
import { BrazeConnectionCard } from "../ui/BrazeConnectionCard";
import { OkendoConnectionCard } from "../ui/OkendoConnectionCard";
import { AdvancedSettingsCard } from "../ui/AdvancedSettingsCard";
import { switchedOffEvents } from "../settings/events.server";
import { CATALOG_EVENT_NAMES } from "../catalog/names";
import prisma from "../db.server";
import { latestTestRun, sendTestEvents } from "../outbox/test-events.server";
import { TestEventsCard } from "../ui/TestEventsCard";

export const meta: MetaFunction = () => [{ title: "Settings · Okendo → Braze" }];

// Settings, laid out like Okendo's Braze screen: the Braze connection with Advanced settings beside it, test events,
// then the Okendo connection.
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const connection = await brazeConnectionView(session.shop); // creates the shop's row on first visit
  const [okendo, okendoApi, okendoRecovery, switchedOff, testRun, historyImport] = await Promise.all([
    okendoConnectionView(session.shop),
    okendoApiConnectionView(session.shop),
    okendoRecoveryView(session.shop),
    switchedOffEvents(prisma, session.shop),
    latestTestRun(session.shop),
    historyImportView(session.shop),
  ]);
  return {
    connection,
    okendo,
    okendoApi,
    okendoRecovery,
    enabledEvents: CATALOG_EVENT_NAMES.length - switchedOff.size,
    testRun,
    historyImport,
  };
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
  if (intent === "reconnect") {
    const result = await reconnectBraze(session.shop, String(form.get("apiKey") ?? ""));
    return data(result.ok ? { ok: true as const, intent } : result, { status: result.ok ? 200 : 422 });
  }
  if (intent === "disconnect") {
    await disconnectBraze(session.shop);
    return { ok: true as const, intent };
  }
  if (intent === "identity") {
    const enabled = form.get("identifyByCustomerId") === "true";
    await setIdentifyByCustomerId(session.shop, enabled);
    return { ok: true as const, intent, enabled };
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
  if (intent === "send-test-events") {
    const result = await sendTestEvents(session.shop);
    return result.ok
      ? { ok: true as const, intent, events: result.events }
      : data({ ok: false as const, testEventsError: result.error }, { status: 422 });
  }
  return data({ ok: false as const, connectionError: `Unknown action "${String(intent)}".` }, { status: 400 });
}

export default function Settings() {
  const { connection, okendo, okendoApi, okendoRecovery, enabledEvents, testRun, historyImport } =
    useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        <Layout.Section>
          <BrazeConnectionCard connection={connection} />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <AdvancedSettingsCard identifyByCustomerId={connection.identifyByCustomerId} />
        </Layout.Section>
        {connection.status === "connected" && (
          <Layout.Section>
            <TestEventsCard testRun={testRun} connectedAt={connection.connectedAt} enabledEvents={enabledEvents} />
          </Layout.Section>
        )}
        <Layout.Section>
          <OkendoConnectionCard
            connection={okendoApi}
            manual={okendo}
            recovery={okendoRecovery}
            historyImport={historyImport}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
