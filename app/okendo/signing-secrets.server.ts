// The secrets an Okendo ingress URL accepts signatures from (Standard Webhooks / Svix, `whsec_…`):
// the shop's current secret, the previous one during its grace period after a rotation, and — because Okendo's
// own webhook API generates the secret for a subscription — the secret Okendo returned, if the merchant added it.
import { randomBytes } from "node:crypto";
import type { Shop } from "@prisma/client";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import prisma from "../db.server";
import { openSealed, secretBoxFromEnv } from "../settings/secret-box.server";
import type { IngressShop } from "../store/statements";
import { subscriptionSecretContext } from "./connection.server";

export const ROTATION_GRACE_MS = 24 * 3_600_000; // covers Okendo/Svix retries of messages signed before rotating

const context = (shop: string) => `${shop}:okendo-signing-secret`;

export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export async function ensureSigningSecret(shop: Shop): Promise<Shop> {
  if (shop.okendoSecretEncrypted) return shop;
  return prisma.shop.update({
    where: { domain: shop.domain },
    data: { okendoSecretEncrypted: secretBoxFromEnv().seal(generateSigningSecret(), context(shop.domain)) },
  });
}

export function currentSigningSecret(shop: Shop): string | null {
  return shop.okendoSecretEncrypted ? openSealed(shop.okendoSecretEncrypted, context(shop.domain)) : null;
}

export async function rotateSigningSecret(domain: string) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
  await prisma.shop.update({
    where: { domain },
    data: {
      okendoSecretEncrypted: secretBoxFromEnv().seal(generateSigningSecret(), context(domain)),
      previousSecretEncrypted: shop.okendoSecretEncrypted,
      previousSecretExpiresAt: new Date(Date.now() + ROTATION_GRACE_MS),
    },
  });
}

export async function saveOkendoProvidedSecret(domain: string, secret: string): Promise<string | null> {
  const trimmed = secret.trim();
  try {
    new Webhook(trimmed);
  } catch {
    return "That is not a webhook secret: Okendo's looks like whsec_ followed by letters and digits.";
  }
  if (!trimmed.startsWith("whsec_")) return "Okendo's webhook secret starts with whsec_.";
  await prisma.shop.update({
    where: { domain },
    data: { okendoProvidedSecretEncrypted: secretBoxFromEnv().seal(trimmed, context(domain)) },
  });
  return null;
}

export interface SignedMessage {
  id: string;
  timestamp: string;
  signature: string;
}

// Okendo sends Svix's header names; white-labelled senders use the Standard Webhooks ones. Same scheme.
export function signatureHeaders(header: (name: string) => string | null | undefined): SignedMessage | null {
  const pick = (name: string) => header(`svix-${name}`) ?? header(`webhook-${name}`);
  const id = pick("id");
  const timestamp = pick("timestamp");
  const signature = pick("signature");
  return id && timestamp && signature ? { id, timestamp, signature } : null;
}

export type Verification = { ok: true } | { ok: false; reason: string };

// One verifier per secret, kept: parsing the secret is work that need not be done on every request.
const verifiers = new Map<string, Webhook>();
function verifierFor(secret: string): Webhook {
  let verifier = verifiers.get(secret);
  if (!verifier) {
    if (verifiers.size >= 10_000) verifiers.delete(verifiers.keys().next().value!);
    verifier = new Webhook(secret);
    verifiers.set(secret, verifier);
  }
  return verifier;
}

export interface SealedSecret {
  sealed: string;
  context: string; // what it was sealed for (secret-box.server.ts binds each value to its shop and purpose)
}

// The secrets a shop's requests may be signed with, the likeliest first: at a subscription's own URL, the secret
// Okendo issued for that subscription; then the shop's own (manual set-up) and its other subscriptions'.
export function acceptedSecrets(shop: IngressShop, urlTopic: string | undefined): SealedSecret[] {
  const subscription = (topic: string, sealed: string) => ({
    topic,
    sealed,
    context: subscriptionSecretContext(shop.domain),
  });
  const subscriptions = shop.subscriptionSecrets.map(({ topic, sealed }) => subscription(topic, sealed));
  const own = shop.signingSecrets.map((sealed) => ({ sealed, context: context(shop.domain) }));
  return [
    ...subscriptions.filter((s) => s.topic === urlTopic),
    ...own,
    ...subscriptions.filter((s) => s.topic !== urlTopic),
  ];
}

// Opening a secret can throw (ENCRYPTION_KEY cannot open it): the caller answers that as a server-side fault, not as
// a bad signature.
export function verifySignature(
  secrets: readonly SealedSecret[],
  message: SignedMessage,
  rawBody: string,
): Verification {
  const headers = {
    "webhook-id": message.id,
    "webhook-timestamp": message.timestamp,
    "webhook-signature": message.signature,
  };
  let reason = "No signing secret is set up for this URL.";
  for (const { sealed, context } of secrets) {
    try {
      // Also enforces the 5-minute timestamp tolerance. jsonParse: false — by default the library JSON.parses a
      // correctly signed body and throws a plain SyntaxError on non-JSON, which turned "signed but not JSON"
      // (400) into "Invalid signature" (401). The ingress parses the body itself after verifying.
      verifierFor(openSealed(sealed, context)).verify(rawBody, headers, { jsonParse: false });
      return { ok: true };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = error.message;
    }
  }
  return { ok: false, reason };
}
