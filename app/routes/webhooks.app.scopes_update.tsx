import type { ActionFunctionArgs } from "@remix-run/node";
import { applyOnce, receiveShopifyWebhook, scopesUpdated, webhookMethodNotAllowed } from "../shopify/webhooks.server";

export const loader = webhookMethodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const webhook = await receiveShopifyWebhook(request);
  await applyOnce(webhook, (tx) => scopesUpdated(tx, webhook.shop, webhook.payload));
  return new Response(null, { status: 200 });
}
