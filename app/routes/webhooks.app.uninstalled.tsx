import type { ActionFunctionArgs } from "@remix-run/node";
import { appUninstalled, applyOnce, receiveShopifyWebhook, webhookMethodNotAllowed } from "../shopify/webhooks.server";

export const loader = webhookMethodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const webhook = await receiveShopifyWebhook(request);
  await applyOnce(webhook, (tx) => appUninstalled(tx, webhook.shop));
  return new Response(null, { status: 200 });
}
