// Shopify Flow at the network edge for tests: an action run of "Send Okendo event to Braze", signed as Flow signs it.
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { TEST_API_SECRET } from "./test-env.ts";

export const FLOW_ACTION_HANDLE = "send-okendo-event-to-braze"; // app/sources/flow.ts

export interface ActionFields {
  customer_id?: string;
  email?: string;
  event?: string;
  properties?: string;
}

// What Flow POSTs to the runtime URL (shopify.dev/docs/apps/build/flow/actions/endpoints): the action's fields under
// `properties`, the customer reference as `customer_id`.
export function runFlowAction(
  appUrl: string,
  shop: string,
  fields: ActionFields,
  options: { actionRunId?: string; secret?: string } = {},
) {
  const body = JSON.stringify({
    shop_id: "1",
    shopify_domain: shop,
    action_run_id: options.actionRunId ?? crypto.randomUUID(),
    action_definition_id: FLOW_ACTION_HANDLE,
    handle: FLOW_ACTION_HANDLE,
    properties: { ...fields, step_reference: crypto.randomUUID() },
  });
  return fetch(`${appUrl}/flow/send-okendo-event`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": getHmac(body, options.secret ?? TEST_API_SECRET),
    },
    body,
  });
}
