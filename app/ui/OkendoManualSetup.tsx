import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, InlineStack, List, Text, TextField } from "@shopify/polaris";
import type { OkendoConnectionView } from "../okendo/connection-view.server";
import { ConfirmButton } from "./ConfirmationModal";
import { formatUtc } from "./format";

type OkendoActionData = { ok: true; intent: string } | { ok: false; fieldErrors?: { okendoSecret?: string } };

// "Set up by hand" on the Okendo card: the shop's ingress URL and signing secret for any sender, and the secret
// Okendo returned for a subscription the merchant created with Okendo's API themselves.
export function OkendoManualSetup({ okendo }: { okendo: OkendoConnectionView }) {
  const shopify = useAppBridge();
  const fetcher = useFetcher<OkendoActionData>({ key: "okendo-connection" });
  const [okendoSecret, setOkendoSecret] = useState("");
  const copy = (label: string, value: string) =>
    navigator.clipboard.writeText(value).then(
      () => shopify.toast.show(`${label} copied`),
      () => shopify.toast.show(`Could not copy; select the ${label.toLowerCase()} and copy it`, { isError: true }),
    );

  useEffect(() => {
    if (!fetcher.data?.ok) return;
    if (fetcher.data.intent === "rotate-secret") shopify.toast.show("New signing secret created");
    if (fetcher.data.intent === "rotate-sequences-token") shopify.toast.show("New Sequences token created");
    if (fetcher.data.intent === "okendo-secret") {
      shopify.toast.show("Okendo's secret saved");
      // eslint-disable-next-line react-hooks/set-state-in-effect -- empties the field once the save succeeded
      setOkendoSecret("");
    }
  }, [fetcher.data, shopify]);

  const busy = (intent: string) => fetcher.state !== "idle" && fetcher.formData?.get("intent") === intent;
  const secretError = fetcher.data && !fetcher.data.ok ? fetcher.data.fieldErrors?.okendoSecret : undefined;

  return (
    <BlockStack gap="400">
      <Text as="p" tone="subdued">
        Okendo sends events to this URL. Every request must be signed with the signing secret (Standard Webhooks, as
        Okendo's webhooks are).
        {okendo.lastReceivedAt ? ` Last event received ${formatUtc(okendo.lastReceivedAt)}.` : " Nothing received yet."}
      </Text>
      <TextField
        label="Webhook URL"
        value={okendo.webhookUrl}
        readOnly
        autoComplete="off"
        connectedRight={<Button onClick={() => copy("Webhook URL", okendo.webhookUrl)}>Copy</Button>}
      />
      <TextField
        label="Signing secret"
        value={okendo.signingSecret}
        readOnly
        autoComplete="off"
        helpText={
          okendo.previousSecretValidUntil
            ? `The previous secret is still accepted until ${formatUtc(okendo.previousSecretValidUntil)}.`
            : undefined
        }
        connectedRight={<Button onClick={() => copy("Signing secret", okendo.signingSecret)}>Copy</Button>}
      />
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Set up in Okendo
        </Text>
        <List type="number">
          <List.Item>
            Reviews and loyalty (Okendo Advanced plans and above): create a webhook subscription with Okendo's API (POST
            https://api.okendo.io/enterprise/webhook_subscriptions) using the Webhook URL as endpointUrl, then paste the
            secret Okendo returns below.
          </List.Item>
          <List.Item>
            Okendo's Shopify Flow triggers: add the "Send Okendo event to Braze" action to a Flow workflow.
          </List.Item>
          <List.Item>
            Referrals, surveys, quizzes and review requests from your own code: send the event envelope described in the
            app's documentation, signed with the secret above.
          </List.Item>
          <List.Item>
            Review requests from Okendo Sequences: use the Sequences URL below in the "Forward to HTTP Endpoint" step.
          </List.Item>
        </List>
      </BlockStack>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="okendo-secret" />
        <TextField
          label="Okendo's webhook secret"
          name="okendoSecret"
          type="password"
          value={okendoSecret}
          onChange={setOkendoSecret}
          autoComplete="off"
          placeholder="whsec_…"
          helpText={
            okendo.hasOkendoSecret
              ? "Saved. Paste a new one to replace it."
              : "Returned by Okendo's API when you create the subscription."
          }
          error={secretError}
          connectedRight={
            <Button submit loading={busy("okendo-secret")}>
              Add Okendo secret
            </Button>
          }
        />
      </fetcher.Form>
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          Okendo Sequences (review requests)
        </Text>
        <Text as="p" tone="subdued">
          Okendo Sequences' "Forward to HTTP Endpoint" step cannot sign its requests, so it has a URL of its own that
          takes a token instead. In the step: method POST, this URL, two headers (content-type: application/json, and
          the token below), and the body below.
        </Text>
        <TextField
          label="Sequences URL"
          value={okendo.sequences.url}
          readOnly
          autoComplete="off"
          connectedRight={<Button onClick={() => copy("Sequences URL", okendo.sequences.url)}>Copy</Button>}
        />
        <TextField
          label="Sequences token"
          value={okendo.sequences.token}
          readOnly
          autoComplete="off"
          helpText={`Send it in the ${okendo.sequences.header} header.`}
          connectedRight={<Button onClick={() => copy("Sequences token", okendo.sequences.token)}>Copy</Button>}
        />
        <TextField
          label="Body for Okendo Review Request"
          value={okendo.sequences.body}
          readOnly
          multiline={4}
          autoComplete="off"
          helpText="The step's variables in double braces; check their names in the step's variable list."
        />
        <InlineStack align="end" gap="200">
          <Button onClick={() => copy("Body", okendo.sequences.body)}>Copy body</Button>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="rotate-sequences-token" />
            <Button submit loading={busy("rotate-sequences-token")}>
              Rotate Sequences token
            </Button>
          </fetcher.Form>
        </InlineStack>
      </BlockStack>
      <InlineStack align="end">
        <ConfirmButton
          title="Rotate the signing secret?"
          confirm="Rotate signing secret"
          button={{ loading: busy("rotate-secret") }}
          onConfirm={() => fetcher.submit({ intent: "rotate-secret" }, { method: "post" })}
        >
          A new signing secret is created. The current one keeps working for a grace period; update every sender
          (Okendo, your own code) to the new secret before it ends.
        </ConfirmButton>
      </InlineStack>
    </BlockStack>
  );
}
