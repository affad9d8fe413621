// Okendo → this app, served by a plain Node handler ahead of Remix: the hot path, where nearly all traffic arrives.
// One URL per shop (an opaque id), plus one per topic for the subscriptions the app creates in Okendo:
//
//   POST /webhooks/okendo/<webhook id>                 Okendo's native deliveries or the event envelope
//   POST /webhooks/okendo/<webhook id>/<topic>         a subscription the app created: the topic known from the URL
//   POST /webhooks/okendo/<webhook id>/sequences       Okendo Sequences' HTTP step: a token in a header, no signature
//
// It authenticates, limits and parses; the source module interprets; app/outbox/accept.server.ts stores. The answer
// is 2xx only once the message and its rows are committed (docs/ingress.md lists every answer).
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJson } from "../http/json";
import { acceptedSecrets, signatureHeaders, verifySignature } from "../okendo/signing-secrets.server";
import { SEQUENCES_TOKEN_HEADER, presentedToken, tokenMatches } from "../okendo/sequences-token.server";
import { okendoTopic } from "../okendo/subscription-topics";
import { accept } from "../outbox/accept.server";
import { interpretOkendo } from "../sources/okendo";
import { interpretSequencesRequest } from "../sources/okendo-sequences";
import { store } from "../store/index.server";
import { BodyTooLarge, bodyLimitFor, hasBody, readBody, refuseTooLarge } from "./body-limits";
import { sendJson } from "./responses";

export const OKENDO_INGRESS_PREFIX = "/webhooks/okendo/";
const ROUTE = /^\/webhooks\/okendo\/([^/]+)(?:\/([^/]+))?\/?$/;
const SEQUENCES = "sequences";

export async function handleOkendoIngress(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const match = ROUTE.exec(path);
  const [, webhookId = "", topic] = match ?? [];
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // Refusals decided before the body is read close the connection: the unread body must not become the next request.
  const refuseEarly = (status: number, error: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error }, hasBody(req) ? { ...headers, connection: "close" } : headers);

  const sequences = topic === SEQUENCES;
  // A topic URL exists for each topic the app subscribes to (app/okendo/subscription-topics.ts).
  if (!match || (topic !== undefined && !sequences && !okendoTopic(topic)))
    return refuseEarly(404, "Unknown webhook URL.");
  if (req.method !== "POST") return refuseEarly(405, "Okendo webhooks are POSTed to this URL.", { allow: "POST" });
  const shop = await store().run("shopForIngress", decodeURIComponent(webhookId));
  if (!shop) return refuseEarly(404, "Unknown webhook URL.");
  if (shop.uninstalled) {
    return refuseEarly(410, "This shop uninstalled the app: its webhook URL no longer accepts deliveries.");
  }

  let rawBody: string;
  try {
    rawBody = (await readBody(req, bodyLimitFor(path))).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLarge) return refuseTooLarge(req, res, error);
    throw error;
  }

  let dedupeKey: string;
  try {
    if (sequences) {
      if (!tokenMatches(presentedToken(header), shop.sequencesToken, shop.domain)) {
        return sendJson(res, 401, {
          error: `Missing or wrong token: send it in the ${SEQUENCES_TOKEN_HEADER} header.`,
        });
      }
      // The step gives no message id: a repeat of the same request is the same message.
      dedupeKey = header("idempotency-key") || `sha256:${createHash("sha256").update(rawBody).digest("base64url")}`;
    } else {
      const signed = signatureHeaders(header);
      if (!signed) {
        return sendJson(res, 401, { error: "Missing svix-id/svix-timestamp/svix-signature (or webhook-*) headers." });
      }
      const verification = verifySignature(acceptedSecrets(shop, topic), signed, rawBody);
      if (!verification.ok) return sendJson(res, 401, { error: `Signature rejected: ${verification.reason}` });
      dedupeKey = signed.id;
    }
  } catch (error) {
    // The stored secret cannot be opened with this process's ENCRYPTION_KEY: the operator's fault, not the sender's.
    // 503 makes the sender retry; nothing is lost while the key is being put right.
    console.error(`[okendo-ingress] ${shop.domain}: cannot open a stored secret: ${(error as Error).message}`);
    return sendJson(
      res,
      503,
      { error: "The app cannot verify requests right now; retry later." },
      { "retry-after": "60" },
    );
  }

  const parsed = parseJson(rawBody);
  if (!parsed.ok && parsed.problem === "syntax") return sendJson(res, 400, { error: parsed.message });
  if (!parsed.ok) return sendJson(res, 422, { error: "The body is nested too deeply.", problems: [parsed.message] });

  const result = sequences
    ? await accept({ shop, source: "sequences", dedupeKey, rawBody }, interpretSequencesRequest(parsed.value))
    : await accept({ shop, source: "okendo", topic, dedupeKey, rawBody }, interpretOkendo(parsed.value, topic));
  if (result.status === "invalid") {
    return sendJson(res, 422, { error: "Invalid event envelope.", problems: result.problems });
  }
  sendJson(res, 200, result);
}
