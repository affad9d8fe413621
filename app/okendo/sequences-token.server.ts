// Okendo Sequences' "Forward to HTTP Endpoint" step (review requests) sends what the merchant types into it and
// cannot sign a request. Its URL, /webhooks/okendo/<id>/sequences, takes a long random token in a header instead:
// shown on the settings screen to paste into the step's headers, sealed at rest like the signing secret, rotatable.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import prisma from "../db.server";
import { openSealed, secretBoxFromEnv } from "../settings/secret-box.server";

export const sequencesTokenContext = (shop: string) => `${shop}:okendo-sequences-token`;
export const SEQUENCES_TOKEN_HEADER = "x-okendo-braze-token";

const newToken = () => `okbz_${randomBytes(32).toString("base64url")}`;

export async function sequencesToken(shop: string): Promise<string> {
  const row = await prisma.shop.findUniqueOrThrow({
    where: { domain: shop },
    select: { sequencesTokenEncrypted: true },
  });
  if (row.sequencesTokenEncrypted) return openSealed(row.sequencesTokenEncrypted, sequencesTokenContext(shop));
  return rotateSequencesToken(shop);
}

// A new token; the old one stops working at once (the merchant pastes the new one into the step).
export async function rotateSequencesToken(shop: string): Promise<string> {
  const token = newToken();
  await prisma.shop.update({
    where: { domain: shop },
    data: { sequencesTokenEncrypted: secretBoxFromEnv().seal(token, sequencesTokenContext(shop)) },
  });
  return token;
}

// The token a request carries: `X-Okendo-Braze-Token: <token>` or `Authorization: Bearer <token>`.
export function presentedToken(header: (name: string) => string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header("authorization") ?? "")?.[1];
  return header(SEQUENCES_TOKEN_HEADER)?.trim() || bearer;
}

// Compared in constant time (over digests, so the lengths match whatever was sent).
export function tokenMatches(presented: string | undefined, sealed: string | null, shop: string): boolean {
  if (!presented || !sealed) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(openSealed(sealed, sequencesTokenContext(shop))));
}
