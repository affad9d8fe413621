import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { BRAZE_INSTANCES } from "../braze/endpoints";
import type { BrazeConnectionView } from "../settings/braze-connection.server";
import { formatUtc, maskedKey } from "./format";

type ConnectActionData =
  | { ok: true; intent: "connect" | "disconnect" }
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
      shopify.toast.show(fetcher.data.intent === "connect" ? "Connected to Braze" : "Disconnected from Braze");
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

  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="disconnect" />
        <BlockStack gap="400">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Integration
            </Text>
            <Badge tone={broken ? "critical" : "success"}>{broken ? "Key rejected" : "Connected"}</Badge>
          </InlineStack>
          {broken && (
            <Banner
              tone="critical"
              title="Braze rejected the API key"
              action={{
                content: "Reconnect",
                loading: fetcher.state !== "idle",
                // Credentials are changed by disconnecting and connecting again: this opens the connect form.
                onAction: () => fetcher.submit({ intent: "disconnect" }, { method: "post" }),
              }}
            >
              <p>
                {connection.connectionError ?? "Braze no longer accepts this key."} Deliveries are paused and kept until
                you reconnect.
              </p>
            </Banner>
          )}
          <BlockStack gap="200">
            <Detail label="API Endpoint" value={connection.endpoint ?? ""} />
            <Detail label="API Key" value={maskedKey(connection.apiKeyLast4)} />
            {connection.connectedAt && <Detail label="Connected on" value={formatUtc(connection.connectedAt)} />}
            <Detail
              label="Last successful delivery"
              value={connection.lastDeliveredAt ? formatUtc(connection.lastDeliveredAt) : "None yet"}
            />
          </BlockStack>
          <InlineStack align="end">
            <Button submit tone="critical" loading={fetcher.state !== "idle"}>
              Disconnect
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </Card>
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
