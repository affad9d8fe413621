// The shop's Braze REST API key, sealed at rest (secret-box.server.ts) with the shop's domain as context.
import { openSealed } from "./secret-box.server";

export type OpenedKey = { ok: true; key: string } | { ok: false; error: string };

export function openBrazeKey(sealedKey: string, shop: string): OpenedKey {
  try {
    return { ok: true, key: openSealed(sealedKey, shop) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

// What the merchant is told while deliveries wait for the operator to restore the key (nothing is lost meanwhile).
export function keyUnavailableReason(error: string): string {
  return (
    "Deliveries are paused: the app cannot read the stored Braze key with its current encryption key " +
    `(${error}). This is a problem on the app's side, not with your Braze key; nothing is lost, and deliveries ` +
    "resume by themselves once it is fixed."
  );
}
