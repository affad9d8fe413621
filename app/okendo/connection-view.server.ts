// What the settings screen's "Okendo connection" card shows: the shop's ingress URL and signing secret.
// Unlike the Braze key, the signing secret is shown: the merchant has to give it to whatever sends events.
import prisma from "../db.server";
import { SEQUENCES_REVIEW_REQUEST_BODY } from "../sources/okendo-sequences";
import { SEQUENCES_TOKEN_HEADER, sequencesToken } from "./sequences-token.server";
import { currentSigningSecret, ensureSigningSecret } from "./signing-secrets.server";

export interface OkendoConnectionView {
  webhookUrl: string;
  signingSecret: string;
  previousSecretValidUntil: string | null;
  hasOkendoSecret: boolean;
  lastReceivedAt: string | null;
  // Okendo Sequences' "Forward to HTTP Endpoint" step: its URL, the header it sends the token in, and a body to paste.
  sequences: { url: string; header: string; token: string; body: string };
}

export async function okendoConnectionView(domain: string): Promise<OkendoConnectionView> {
  const shop = await ensureSigningSecret(await prisma.shop.findUniqueOrThrow({ where: { domain } }));
  const last = await prisma.inboundMessage.findFirst({
    where: { shop: domain },
    orderBy: { receivedAt: "desc" },
    select: { receivedAt: true },
  });
  const now = new Date();
  const webhookUrl = new URL(`/webhooks/okendo/${shop.okendoWebhookId}`, process.env.SHOPIFY_APP_URL).toString();
  return {
    webhookUrl,
    signingSecret: currentSigningSecret(shop)!,
    previousSecretValidUntil:
      shop.previousSecretExpiresAt && shop.previousSecretExpiresAt > now
        ? shop.previousSecretExpiresAt.toISOString()
        : null,
    hasOkendoSecret: Boolean(shop.okendoProvidedSecretEncrypted),
    lastReceivedAt: last?.receivedAt.toISOString() ?? null,
    sequences: {
      url: `${webhookUrl}/sequences`,
      header: SEQUENCES_TOKEN_HEADER,
      token: await sequencesToken(domain),
      body: SEQUENCES_REVIEW_REQUEST_BODY,
    },
  };
}
