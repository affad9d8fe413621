// `npm run rotate-keys`: re-seals every secret stored at rest under the first key of ENCRYPTION_KEY, so that an old
// key can be dropped. Every sealed column is listed here, with the context it is sealed with (secret-box.server.ts
// binds each value to its shop and purpose). Safe to run while the app runs and to run again: a value already under
// the current key is left alone, and each write is conditional on the value not having changed meanwhile.
import prisma from "../db.server";
import { secretBoxFromEnv, type SecretBox } from "./secret-box.server";

type ShopSealedColumn =
  "brazeApiKeyEncrypted" | "okendoSecretEncrypted" | "previousSecretEncrypted" | "okendoProvidedSecretEncrypted";

const SIGNING = (shop: string) => `${shop}:okendo-signing-secret`;

export const SEALED_SHOP_COLUMNS: ReadonlyArray<{ column: ShopSealedColumn; context: (shop: string) => string }> = [
  { column: "brazeApiKeyEncrypted", context: (shop) => shop },
  { column: "okendoSecretEncrypted", context: SIGNING },
  { column: "previousSecretEncrypted", context: SIGNING },
  { column: "okendoProvidedSecretEncrypted", context: SIGNING },
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
    },
  });
  for (const shop of shops) {
    const { domain } = shop;
    for (const { column, context } of SEALED_SHOP_COLUMNS) {
      const sealed = shop[column];
      if (!sealed) continue;
      if (!box.needsRotation(sealed)) {
        report.current += 1;
        continue;
      }
      try {
        const resealed = box.seal(box.open(sealed, context(domain)), context(domain));
        const { count } = await prisma.shop.updateMany({
          where: { domain, [column]: sealed },
          data: { [column]: resealed },
        });
        report.resealed += count;
      } catch (error) {
        report.unreadable.push({ shop: domain, column, reason: (error as Error).message });
      }
    }
  }
  return report;
}
