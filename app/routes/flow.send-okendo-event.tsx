// Shopify Flow → this app: runtime URL of the "Send Okendo event to Braze" action. Authenticate, parse, hand over.
// Flow treats only 200 as success; a 4xx fails the step and shows our message to the merchant; a 5xx is retried.
// The edge has already read the body within its limit (app/edge/body-limits.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { jsonResponse } from "../http/responses";
import { parseJson } from "../http/json";
import { accept } from "../outbox/accept.server";
import { ensureShop } from "../settings/braze-connection.server";
import { isSignedByShopify } from "../shopify/flow-signature.server";
import { authenticate } from "../shopify.server";
import { interpretFlowRun, readFlowActionRun } from "../sources/flow";

export function loader() {
  return jsonResponse(405, { error: "Shopify Flow POSTs action runs to this URL." }, { allow: "POST" });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return loader();
  const rawBody = await request.clone().text();
  if (!isSignedByShopify(rawBody, request.headers.get("x-shopify-hmac-sha256"), process.env.SHOPIFY_API_SECRET ?? "")) {
    return jsonResponse(401, { error: "The request is not signed with this app's API secret." });
  }
  const parsed = parseJson(rawBody);
  if (!parsed.ok && parsed.problem === "syntax") return jsonResponse(400, { error: parsed.message });
  if (!parsed.ok) return jsonResponse(422, { error: "The body is nested too deeply.", problems: [parsed.message] });
  const run = readFlowActionRun(parsed.value);
  if (!run.ok) return jsonResponse(400, { error: "Not a Shopify Flow action request.", problems: run.problems });

  const known = await prisma.shop.findUnique({
    where: { domain: run.run.shopDomain },
    select: { uninstalledAt: true },
  });
  if (known?.uninstalledAt) {
    return jsonResponse(410, { error: "This shop uninstalled the app: its Flow action no longer sends events." });
  }
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
  const result = await accept(
    { shop, source: "flow", dedupeKey: run.run.actionRunId, rawBody },
    interpretFlowRun(run.run),
  );
  if (result.status === "invalid") {
    return jsonResponse(422, {
      error: `Okendo event not sent: ${result.problems.join("; ")}`,
      problems: result.problems,
    });
  }
  return jsonResponse(200, result);
}
