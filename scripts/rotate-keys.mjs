// `npm run rotate-keys`: re-seals every stored secret (Braze API keys, Okendo signing secrets) under the first key of
// ENCRYPTION_KEY. Rotate by putting the new key first and keeping the old ones after it ("NEW,OLD"), run this, and
// drop the old key once it reports that nothing is left under it (see docs/operating.md).
import { buildProduction, productionBuildIsFresh, SERVER_BUILD } from "./production-build.mjs";

if (!productionBuildIsFresh()) buildProduction();
const app = (await import(`../${SERVER_BUILD}`)).entry.module;
const problem = app.encryptionKeyProblem();
if (problem) {
  console.error(`rotate-keys: ${problem}`);
  process.exit(1);
}
const report = await app.rotateEncryptionKeys();
console.log(`re-sealed ${report.resealed} value(s) under the current key; ${report.current} already were.`);
for (const { shop, column, reason } of report.unreadable) console.error(`cannot open ${shop} ${column}: ${reason}`);
if (report.unreadable.length > 0) {
  console.error(
    "Some values are sealed with a key ENCRYPTION_KEY lacks: add that key back (after the current one) and run again.",
  );
  process.exit(1);
}
console.log("Nothing is left under an older key: the older keys may be dropped from ENCRYPTION_KEY.");
process.exit(0);
