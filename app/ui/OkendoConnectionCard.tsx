import { useEffect, useId, useState } from "react";
import { useFetcher, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Collapsible,
  DataTable,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { OkendoApiConnectionView, OkendoSubscriptionView } from "../okendo/connection.server";
import type { OkendoConnectionView } from "../okendo/connection-view.server";
import { formatUtc, maskedKey } from "./format";
import { OkendoManualSetup } from "./OkendoManualSetup";
import { OkendoRecoverySummary } from "./OkendoRecoverySummary";
import type { OkendoRecoveryView } from "../okendo/recovery.server";
import { HistoryImport } from "./HistoryImport";
import type { HistoryImportView } from "../okendo/history-import.server";

type OkendoApiActionData =
  | { ok: true; intent: "okendo-connect" | "okendo-repair" | "okendo-disconnect"; message?: string }
  | { ok: false; intent: string; fieldErrors?: { userId?: string; apiKey?: string; apiBase?: string }; error?: string };

type OkendoFetcher = ReturnType<typeof useFetcher<OkendoApiActionData>>;

// The Okendo card: connect with the credentials Okendo shows under Settings › Integrations › Credentials, then see
// and repair the webhook subscriptions the app manages. The manual path (URL + signing secret) is folded below.
export function OkendoConnectionCard({
  connection,
  manual,
  recovery = null,
  historyImport,
}: {
  connection: OkendoApiConnectionView;
  manual: OkendoConnectionView;
  recovery?: OkendoRecoveryView | null;
  historyImport: HistoryImportView | null;
}) {
  // One fetcher for every state, so a message survives the card switching between its forms.
  const fetcher = useFetcher<OkendoApiActionData>({ key: "okendo-api" });
  const shopify = useAppBridge();
  const headingId = useId();
  // ?setup=manual opens "Set up by hand" (a link to it, e.g. from documentation, lands on the URL and secret).
  const [searchParams] = useSearchParams();
  const [manualOpen, setManualOpen] = useState(searchParams.get("setup") === "manual");
  const manualId = useId();

  useEffect(() => {
    const data = fetcher.data;
    if (!data?.ok) return;
    if (data.intent === "okendo-connect") shopify.toast.show("Connected to Okendo");
    if (data.intent === "okendo-repair") shopify.toast.show(data.message ?? "Subscriptions repaired");
    if (data.intent === "okendo-disconnect" && !data.message) shopify.toast.show("Disconnected from Okendo");
  }, [fetcher.data, shopify]);

  return (
    <section aria-labelledby={headingId}>
      <Card>
        <BlockStack gap="400">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd" id={headingId}>
              Okendo
            </Text>
            <StatusBadge connection={connection} />
          </InlineStack>
          {connection.connected ? (
            <>
              <ConnectedDetails connection={connection} fetcher={fetcher} recovery={recovery} />
              <HistoryImport initial={historyImport} />
            </>
          ) : (
            <ConnectForm connection={connection} fetcher={fetcher} />
          )}
          <BlockStack gap="200">
            <InlineStack>
              <Button
                variant="plain"
                disclosure={manualOpen ? "up" : "down"}
                ariaExpanded={manualOpen}
                ariaControls={manualId}
                onClick={() => setManualOpen((open) => !open)}
              >
                Set up by hand
              </Button>
            </InlineStack>
            <Collapsible id={manualId} open={manualOpen}>
              <OkendoManualSetup okendo={manual} />
            </Collapsible>
          </BlockStack>
        </BlockStack>
      </Card>
    </section>
  );
}

function StatusBadge({ connection }: { connection: OkendoApiConnectionView }) {
  if (!connection.connected) return <Badge>Not connected</Badge>;
  if (connection.needsRepair) return <Badge tone="warning">Needs repair</Badge>;
  return <Badge tone="success">Connected</Badge>;
}

function ConnectForm({ connection, fetcher }: { connection: OkendoApiConnectionView; fetcher: OkendoFetcher }) {
  const [userId, setUserId] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [apiBase, setApiBase] = useState(connection.defaultApiBase);
  const data = fetcher.data;
  const failure = data && !data.ok && data.intent === "okendo-connect" ? data : undefined;
  const disconnected = data?.ok && data.intent === "okendo-disconnect" ? data : undefined;
  const submitting = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "okendo-connect";

  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="okendo-connect" />
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Enter the Okendo User ID and API Key shown in Okendo under Settings › Integrations › Credentials. The app then
          subscribes to Okendo's review and loyalty webhooks for you and keeps the subscriptions working. Okendo's
          webhooks need its Advanced plan or above.
        </Text>
        {disconnected?.message && (
          <Banner tone="warning" title="Disconnected, with something left in Okendo">
            <p>{disconnected.message}</p>
          </Banner>
        )}
        {failure?.error && (
          <Banner tone="critical" title="Not connected">
            <p>{failure.error}</p>
          </Banner>
        )}
        <TextField
          label="Okendo User ID"
          name="userId"
          value={userId}
          onChange={setUserId}
          autoComplete="off"
          placeholder="123e4567-e89b-12d3-a456-426614174000"
          error={failure?.fieldErrors?.userId}
        />
        <TextField
          label="API Key"
          name="apiKey"
          type="password"
          value={apiKey}
          onChange={setApiKey}
          autoComplete="off"
          error={failure?.fieldErrors?.apiKey}
        />
        {connection.apiBases.length > 1 && (
          // Only when OKENDO_EXTRA_API_URLS lists stand-ins (development, demos, tests): never shown in production.
          <Select
            label="Okendo API"
            name="apiBase"
            options={connection.apiBases.map((base) => ({ label: base, value: base }))}
            value={apiBase}
            onChange={setApiBase}
            helpText="Development only: OKENDO_EXTRA_API_URLS lists stand-ins for Okendo's API."
            error={failure?.fieldErrors?.apiBase}
          />
        )}
        <InlineStack align="end">
          <Button submit variant="primary" loading={submitting}>
            Connect
          </Button>
        </InlineStack>
      </BlockStack>
    </fetcher.Form>
  );
}

const STATE_LABELS: Record<
  OkendoSubscriptionView["state"],
  { label: string; tone?: "success" | "warning" | "critical" }
> = {
  enabled: { label: "Enabled", tone: "success" },
  disabled: { label: "Disabled", tone: "critical" },
  missing: { label: "Missing", tone: "critical" },
  unknown: { label: "Unknown" },
};

function ConnectedDetails({
  connection,
  fetcher,
  recovery,
}: {
  connection: OkendoApiConnectionView;
  fetcher: OkendoFetcher;
  recovery: OkendoRecoveryView | null;
}) {
  const data = fetcher.data;
  const busy = (intent: string) => fetcher.state !== "idle" && fetcher.formData?.get("intent") === intent;
  const repairFailure = data && !data.ok && data.intent === "okendo-repair" ? data.error : undefined;

  const rows = connection.subscriptions.map((s) => [
    s.resourceLabel,
    <code key="topic">{s.topic}</code>,
    <Badge key="state" tone={STATE_LABELS[s.state].tone}>
      {STATE_LABELS[s.state].label}
    </Badge>,
    s.lastDeliveryAt ? formatUtc(s.lastDeliveryAt) : "None yet",
  ]);

  return (
    <BlockStack gap="400">
      <BlockStack gap="200">
        <Detail label="Okendo User ID" value={connection.userId ?? ""} />
        <Detail label="API Key" value={maskedKey(connection.apiKeyLast4)} />
        {connection.connectedAt && <Detail label="Connected on" value={formatUtc(connection.connectedAt)} />}
      </BlockStack>
      {connection.stateProblem && (
        <Banner tone="warning" title="Okendo could not be asked">
          <p>{connection.stateProblem}</p>
        </Banner>
      )}
      {connection.needsRepair && !connection.stateProblem && (
        <Banner tone="warning" title="Some webhook subscriptions are not working">
          <p>
            Okendo disabled or no longer has the subscriptions marked below, so their events do not reach this app.
            Repair re-enables or re-creates them.
          </p>
        </Banner>
      )}
      {repairFailure && (
        <Banner tone="critical" title="Not everything was repaired">
          <p>{repairFailure}</p>
        </Banner>
      )}
      <DataTable
        columnContentTypes={["text", "text", "text", "text"]}
        headings={["Resource type", "Topic", "Status", "Last delivery received"]}
        rows={rows}
      />
      {recovery && <OkendoRecoverySummary recovery={recovery} />}
      <InlineStack align="end" gap="200">
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="okendo-repair" />
          <Button submit loading={busy("okendo-repair")} disabled={fetcher.state !== "idle"}>
            Repair
          </Button>
        </fetcher.Form>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="okendo-disconnect" />
          <Button submit tone="critical" loading={busy("okendo-disconnect")} disabled={fetcher.state !== "idle"}>
            Disconnect
          </Button>
        </fetcher.Form>
      </InlineStack>
    </BlockStack>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <InlineStack gap="200" wrap>
      <Text as="span" fontWeight="semibold">
        {label}
      </Text>
      <Text as="span" breakWord>
        {value}
      </Text>
    </InlineStack>
  );
}
