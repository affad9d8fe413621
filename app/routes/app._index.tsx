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
import { rotateSigningSecret, saveOkendoProvidedSecret } from "../okendo/signing-secrets.server";
import { BrazeConnectionCard } from "../ui/BrazeConnectionCard";
import { OkendoConnectionCard } from "../ui/OkendoConnectionCard";
import { AdvancedSettingsCard } from "../ui/AdvancedSettingsCard";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const connection = await brazeConnectionView(session.shop);
  return { connection, okendo: await okendoConnectionView(session.shop) };
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
  return data({ ok: false as const, connectionError: `Unknown action "${String(intent)}".` }, { status: 400 });
}

export default function BrazeSettings() {
  const { connection, okendo } = useLoaderData<typeof loader>();
  return (
    <Page title="Braze">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <BrazeConnectionCard connection={connection} />
            <OkendoConnectionCard okendo={okendo} />
            <AdvancedSettingsCard identifyByCustomerId={connection.identifyByCustomerId} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
