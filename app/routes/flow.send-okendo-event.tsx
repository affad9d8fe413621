// Shopify Flow → this app: runtime URL of the "Send Okendo event to Braze" action. Authenticate, parse, hand over.
// Flow treats only 200 as success; a 4xx fails the step and shows our message to the merchant; a 5xx is retried.
import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { BodyTooLarge, bodyTooLargeResponse, jsonResponse, readBodyWithLimit } from "../http/body.server";
import { ensureShop } from "../settings/braze-connection.server";
import { isSignedByShopify, readFlowActionRun, runSendOkendoEvent } from "../flow/send-okendo-event.server";

const MAX_BODY_BYTES = 1024 * 1024;

export function loader() {
  return jsonResponse(405, { error: "Shopify Flow POSTs action runs to this URL." }, { allow: "POST" });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return loader();
  let rawBody: string;
  try {
    rawBody = await readBodyWithLimit(request.clone(), MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) return bodyTooLargeResponse();
    throw error;
  }
  if (!isSignedByShopify(rawBody, request.headers.get("x-shopify-hmac-sha256"), process.env.SHOPIFY_API_SECRET ?? "")) {
    return jsonResponse(401, { error: "The request is not signed with this app's API secret." });
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return jsonResponse(400, { error: "The body is not valid JSON." });
  }
  const parsed = readFlowActionRun(body);
  if (!parsed.ok) return jsonResponse(400, { error: "Not a Shopify Flow action request.", problems: parsed.problems });

  let shopDomain: string;
  try {
    ({
      session: { shop: shopDomain },
    } = await authenticate.flow(request));
  } catch (thrown) {
    // The signature is good, so this is the other refusal: no offline session for the shop.
    if (thrown instanceof Response && thrown.status === 400) {
      return jsonResponse(400, {
        error: "This shop has no session with the app: open the app in Shopify admin once, then retry.",
      });
    }
    throw thrown;
  }

  const shop = await ensureShop(shopDomain);
  const result = await runSendOkendoEvent(shop, parsed.run, rawBody);
  if (result.status === "invalid") {
    return jsonResponse(422, {
      error: `Okendo event not sent: ${result.problems.join("; ")}`,
      problems: result.problems,
    });
  }
  return jsonResponse(200, result);
}
