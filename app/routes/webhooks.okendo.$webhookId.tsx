// Okendo → this app: one URL per shop, Standard Webhooks / Svix signatures. Authenticate, parse, hand over.
import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { BodyTooLarge, bodyTooLargeResponse, jsonResponse, readBodyWithLimit } from "../http/body.server";
import { signatureHeaders, verifySignature } from "../okendo/signing-secrets.server";
import { ingestOkendoDelivery } from "../okendo/ingest.server";

const MAX_BODY_BYTES = 1024 * 1024;

export function loader() {
  return jsonResponse(405, { error: "Okendo webhooks are POSTed to this URL." }, { allow: "POST" });
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return loader();
  const shop = await prisma.shop.findUnique({ where: { okendoWebhookId: params.webhookId ?? "" } });
  if (!shop?.okendoSecretEncrypted) return jsonResponse(404, { error: "Unknown webhook URL." });

  let rawBody: string;
  try {
    rawBody = await readBodyWithLimit(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) return bodyTooLargeResponse();
    throw error;
  }

  const signed = signatureHeaders(request.headers);
  if (!signed)
    return jsonResponse(401, { error: "Missing svix-id/svix-timestamp/svix-signature (or webhook-*) headers." });
  const verification = verifySignature(shop, signed, rawBody);
  if (!verification.ok) return jsonResponse(401, { error: `Signature rejected: ${verification.reason}` });

  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return jsonResponse(400, { error: "The body is not valid JSON." });
  }

  const result = await ingestOkendoDelivery(shop, signed.id, rawBody, body);
  if (result.status === "invalid")
    return jsonResponse(422, { error: "Invalid event envelope.", problems: result.problems });
  return jsonResponse(200, result);
}
