import type { ActionFunctionArgs } from "@remix-run/node";
import { okendoAppUninstalled } from "../okendo/connection.server";
import { appUninstalled, applyOnce, receiveShopifyWebhook, webhookMethodNotAllowed } from "../shopify/webhooks.server";

export const loader = webhookMethodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const webhook = await receiveShopifyWebhook(request);
  if ((await applyOnce(webhook, (tx) => appUninstalled(tx, webhook.shop))) === "applied") {
    // Forgets the Okendo connection now; its subscriptions are removed in Okendo in the background.
    await okendoAppUninstalled(webhook.shop);
  }
  return new Response(null, { status: 200 });
}
