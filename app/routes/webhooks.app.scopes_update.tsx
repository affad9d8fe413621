import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { applyOnce, scopesUpdated } from "../shopify/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  const { shop, topic, webhookId, eventId, payload } = await authenticate.webhook(request);
  await applyOnce({ shop, topic, eventId: eventId ?? webhookId, payload }, (tx) => scopesUpdated(tx, shop, payload));
  return new Response(null, { status: 200 });
}
