import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { appUninstalled, applyOnce } from "../shopify/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  const { shop, topic, webhookId, eventId, payload } = await authenticate.webhook(request);
  await applyOnce({ shop, topic, eventId: eventId ?? webhookId, payload }, (tx) => appUninstalled(tx, shop));
  return new Response(null, { status: 200 });
}
