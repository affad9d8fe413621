import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { BRAZE_INSTANCES } from "../braze/endpoints";
import type { BrazeConnectionView } from "../settings/braze-connection.server";
import { ConfirmButton } from "./ConfirmationModal";
import { formatUtc, maskedKey } from "./format";

type ConnectActionData =
  | { ok: true; intent: "connect" | "reconnect" | "disconnect" }
  | { ok: false; fieldErrors?: { endpoint?: string; apiKey?: string }; connectionError?: string };

const OTHER = "other";
const endpointOptions = [
  { label: "Choose your Braze instance", value: "" },
  ...BRAZE_INSTANCES.map((instance) => ({ label: instance.label, value: instance.url })),
  { label: "Other — paste the URL", value: OTHER },
];

type ConnectionFetcher = ReturnType<typeof useFetcher<ConnectActionData>>;

export function BrazeConnectionCard({ connection }: { connection: BrazeConnectionView }) {
  // One fetcher shared by both states, so the success toast survives the form swapping to the connected view.
  const fetcher = useFetcher<ConnectActionData>({ key: "braze-connection" });
  const shopify = useAppBridge();
  useEffect(() => {
    if (fetcher.data?.ok)
      shopify.toast.show(fetcher.data.intent === "disconnect" ? "Disconnected from Braze" : "Connected to Braze");
  }, [fetcher.data, shopify]);

  // A named region: the Okendo card has its own "API Key" and "Disconnect".
  return (
    <section aria-label="Braze">
      {connection.status === "disconnected" ? (
        <ConnectForm fetcher={fetcher} />
      ) : (
        <ConnectedDetails connection={connection} fetcher={fetcher} />
      )}
    </section>
  );
}

function ConnectForm({ fetcher }: { fetcher: ConnectionFetcher }) {
  const [choice, setChoice] = useState("");
  const [pasted, setPasted] = useState("");
  const [apiKey, setApiKey] = useState("");

  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : undefined;
  const endpointError = failure?.fieldErrors?.endpoint;
  const submitting = fetcher.state !== "idle";

  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="connect" />
        <input type="hidden" name="endpoint" value={choice === OTHER ? pasted : choice} />
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            Integration
          </Text>
          <Text as="p" tone="subdued">
            Enter the REST endpoint of your Braze instance and a REST API key with the users.track permission (Braze ›
            Settings › APIs and Identifiers).
          </Text>
          {failure?.connectionError && (
            <Banner tone="critical" title="Not connected">
              <p>{failure.connectionError}</p>
            </Banner>
          )}
          <Select
            label="API Endpoint"
            options={endpointOptions}
            value={choice}
            onChange={setChoice}
            error={choice === OTHER ? undefined : endpointError}
          />
          {choice === OTHER && (
            <TextField
              label="Endpoint URL"
              value={pasted}
              onChange={setPasted}
              autoComplete="off"
              placeholder="https://rest.iad-01.braze.com"
              error={endpointError}
            />
          )}
          <TextField
            label="API Key"
            name="apiKey"
            type="password"
            value={apiKey}
            onChange={setApiKey}
            autoComplete="off"
            error={failure?.fieldErrors?.apiKey}
          />
          <InlineStack align="end">
            <Button submit variant="primary" loading={submitting}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

function ConnectedDetails({ connection, fetcher }: { connection: BrazeConnectionView; fetcher: ConnectionFetcher }) {
  const broken = connection.status === "broken";
  const [reconnecting, setReconnecting] = useState(false);

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Integration
          </Text>
          <Badge tone={broken ? "critical" : "success"}>{broken ? "Key rejected" : "Connected"}</Badge>
        </InlineStack>
        {broken && !reconnecting && (
          <Banner
            tone="critical"
            title="Braze rejected the API key"
            action={{ content: "Reconnect", onAction: () => setReconnecting(true) }}
          >
            <p>
              {connection.connectionError ?? "Braze no longer accepts this key."} Deliveries are paused and kept until
              you reconnect.
            </p>
          </Banner>
        )}
        <BlockStack gap="200">
          <Detail label="API Endpoint" value={connection.endpoint ?? ""} />
          {!(broken && reconnecting) && <Detail label="API Key" value={maskedKey(connection.apiKeyLast4)} />}
          {connection.connectedAt && <Detail label="Connected on" value={formatUtc(connection.connectedAt)} />}
          <Detail
            label="Last successful delivery"
            value={connection.lastDeliveredAt ? formatUtc(connection.lastDeliveredAt) : "None yet"}
          />
        </BlockStack>
        {broken && reconnecting ? (
          <NewKeyForm fetcher={fetcher} onCancel={() => setReconnecting(false)} />
        ) : (
          <InlineStack align="end">
            <ConfirmButton
              title="Disconnect Braze?"
              confirm="Disconnect"
              destructive
              button={{ tone: "critical", loading: fetcher.state !== "idle" }}
              onConfirm={() => fetcher.submit({ intent: "disconnect" }, { method: "post" })}
            >
              The API key is deleted from this app. Events from Okendo are still received and wait in Activity until you
              connect again; nothing is sent to Braze meanwhile.
            </ConfirmButton>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

// Reconnect after Braze rejected the key: the endpoint stays, only a new key is asked for.
function NewKeyForm({ fetcher, onCancel }: { fetcher: ConnectionFetcher; onCancel: () => void }) {
  const [apiKey, setApiKey] = useState("");
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : undefined;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="reconnect" />
      <BlockStack gap="400">
        {failure?.connectionError && (
          <Banner tone="critical" title="Not connected">
            <p>{failure.connectionError}</p>
          </Banner>
        )}
        <TextField
          label="API Key"
          name="apiKey"
          type="password"
          value={apiKey}
          onChange={setApiKey}
          autoComplete="off"
          helpText="A REST API key with the users.track permission, for the same Braze instance."
          error={failure?.fieldErrors?.apiKey}
        />
        <InlineStack align="end" gap="200">
          <Button onClick={onCancel}>Cancel</Button>
          <Button submit variant="primary" loading={fetcher.state !== "idle"}>
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </fetcher.Form>
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
