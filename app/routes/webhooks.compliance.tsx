import type { ActionFunctionArgs } from "@remix-run/node";
import {
  applyOnce,
  customerDataRequested,
  customerRedacted,
  receiveShopifyWebhook,
  shopRedacted,
  webhookMethodNotAllowed,
} from "../shopify/webhooks.server";
import { wakeDeliveryWorker } from "../outbox/wake.server";

export const loader = webhookMethodNotAllowed;

// Shopify's three mandatory privacy topics share one URI (shopify.app.toml `compliance_topics`).
export async function action({ request }: ActionFunctionArgs) {
  const webhook = await receiveShopifyWebhook(request);
  const { shop, topic, payload } = webhook;
  switch (topic) {
    case "CUSTOMERS_DATA_REQUEST":
      await applyOnce(webhook, (tx) => customerDataRequested(tx, shop, payload));
      break;
    case "CUSTOMERS_REDACT":
      // The Braze deletion is a queued delivery: wake the worker once it is committed.
      if ((await applyOnce(webhook, (tx) => customerRedacted(tx, shop, payload))) === "applied") wakeDeliveryWorker();
      break;
    case "SHOP_REDACT":
      await applyOnce(webhook, (tx) => shopRedacted(tx, shop));
      break;
    default:
      return new Response(`Unhandled topic ${topic}`, { status: 400 });
  }
  return new Response(null, { status: 200 });
}
