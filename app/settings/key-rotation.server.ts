// `npm run rotate-keys`: re-seals every secret stored at rest under the first key of ENCRYPTION_KEY, so that an old
// key can be dropped. Every sealed column is listed here, with the context it is sealed with (secret-box.server.ts
// binds each value to its shop and purpose). Safe to run while the app runs and to run again: a value already under
// the current key is left alone, and each write is conditional on the value not having changed meanwhile.
import prisma from "../db.server";
import { okendoApiKeyContext, subscriptionSecretContext } from "../okendo/connection.server";
import { sequencesTokenContext } from "../okendo/sequences-token.server";
import { secretBoxFromEnv, type SecretBox } from "./secret-box.server";

type ShopSealedColumn =
  | "brazeApiKeyEncrypted"
  | "okendoSecretEncrypted"
  | "previousSecretEncrypted"
  | "okendoProvidedSecretEncrypted"
  | "sequencesTokenEncrypted";

const SIGNING = (shop: string) => `${shop}:okendo-signing-secret`;

export const SEALED_SHOP_COLUMNS: ReadonlyArray<{ column: ShopSealedColumn; context: (shop: string) => string }> = [
  { column: "brazeApiKeyEncrypted", context: (shop) => shop },
  { column: "okendoSecretEncrypted", context: SIGNING },
  { column: "previousSecretEncrypted", context: SIGNING },
  { column: "okendoProvidedSecretEncrypted", context: SIGNING },
  { column: "sequencesTokenEncrypted", context: sequencesTokenContext },
];

export interface RotationReport {
  resealed: number;
  current: number; // already under the newest key
  unreadable: Array<{ shop: string; column: string; reason: string }>; // sealed with a key ENCRYPTION_KEY lacks
}

export async function rotateEncryptionKeys(box: SecretBox = secretBoxFromEnv()): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, current: 0, unreadable: [] };
  const shops = await prisma.shop.findMany({
    select: {
      domain: true,
      brazeApiKeyEncrypted: true,
      okendoSecretEncrypted: true,
      previousSecretEncrypted: true,
      okendoProvidedSecretEncrypted: true,
      sequencesTokenEncrypted: true,
    },
  });
  // Re-seals one value if an older key sealed it; `write` stores it only where the row still holds `sealed`.
  async function reseal(
    shop: string,
    column: string,
    sealed: string,
    context: string,
    write: (resealed: string) => Promise<{ count: number }>,
  ) {
    if (!box.needsRotation(sealed)) {
      report.current += 1;
      return;
    }
    try {
      report.resealed += (await write(box.seal(box.open(sealed, context), context))).count;
    } catch (error) {
      report.unreadable.push({ shop, column, reason: (error as Error).message });
    }
  }

  for (const shop of shops) {
    const { domain } = shop;
    for (const { column, context } of SEALED_SHOP_COLUMNS) {
      const sealed = shop[column];
      if (!sealed) continue;
      await reseal(domain, column, sealed, context(domain), (resealed) =>
        prisma.shop.updateMany({ where: { domain, [column]: sealed }, data: { [column]: resealed } }),
      );
    }
  }
  // The Okendo connection's API key and the secret of each webhook subscription (app/okendo/connection.server.ts).
  for (const { shop, apiKeyEncrypted } of await prisma.okendoConnection.findMany({
    select: { shop: true, apiKeyEncrypted: true },
  })) {
    await reseal(shop, "OkendoConnection.apiKeyEncrypted", apiKeyEncrypted, okendoApiKeyContext(shop), (resealed) =>
      prisma.okendoConnection.updateMany({ where: { shop, apiKeyEncrypted }, data: { apiKeyEncrypted: resealed } }),
    );
  }
  for (const { shop, topic, secretEncrypted } of await prisma.okendoSubscription.findMany({
    select: { shop: true, topic: true, secretEncrypted: true },
  })) {
    await reseal(
      shop,
      `OkendoSubscription.secretEncrypted (${topic})`,
      secretEncrypted,
      subscriptionSecretContext(shop),
      (resealed) =>
        prisma.okendoSubscription.updateMany({
          where: { shop, topic, secretEncrypted },
          data: { secretEncrypted: resealed },
        }),
    );
  }
  return report;
}
