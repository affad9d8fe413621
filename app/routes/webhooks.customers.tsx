import type { ActionFunctionArgs } from "@remix-run/node";
import { applyOnce, receiveShopifyWebhook, webhookMethodNotAllowed } from "../shopify/webhooks.server";
import { customerDeleted, customerSaved } from "../shopify/customers-webhooks.server";

// customers/create, customers/update and customers/delete share one URI (shopify.app.toml); they only keep the
// identity cache in sync.
export const loader = webhookMethodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  const webhook = await receiveShopifyWebhook(request);
  const { shop, topic, payload } = webhook;
  switch (topic) {
    case "CUSTOMERS_CREATE":
    case "CUSTOMERS_UPDATE":
      await applyOnce(webhook, (tx) => customerSaved(tx, shop, payload));
      break;
    case "CUSTOMERS_DELETE":
      await applyOnce(webhook, (tx) => customerDeleted(tx, shop, payload));
      break;
    default:
      return new Response(`Unhandled topic ${topic}`, { status: 400 });
  }
  return new Response(null, { status: 200 });
}
