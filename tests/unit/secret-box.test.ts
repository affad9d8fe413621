import { describe, it, expect, vi, afterEach } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import {
  createSecretBox,
  generateEncryptionKey,
  encryptionKeyProblem,
  openSealed,
  secretBoxFromEnv,
  SecretBoxError,
} from "../../app/settings/secret-box.server";

const SHOP = "alpha.myshopify.com";
const OTHER_SHOP = "beta.myshopify.com";
const SECRET = "braze-api-key-0123456789abcdef";

const OLD_KEY = randomBytes(32).toString("base64");
const NEW_KEY = randomBytes(32).toString("hex");

const keyIdOf = (key: string, encoding: BufferEncoding) =>
  createHash("sha256").update(Buffer.from(key, encoding)).digest("hex").slice(0, 8);

// Replace part `index` of the envelope; flips one decoded byte unless a replacement is given.
function tamper(envelope: string, index: number, replacement?: string): string {
  const parts = envelope.split(".");
  if (replacement === undefined) {
    const buf = Buffer.from(parts[index]!, "base64url");
    buf[0] = buf[0]! ^ 0x01;
    replacement = buf.toString("base64url");
  }
  parts[index] = replacement;
  return parts.join(".");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createSecretBox", () => {
  const box = createSecretBox(OLD_KEY);

  it("round-trips", () => {
    expect(box.open(box.seal(SECRET, SHOP), SHOP)).toBe(SECRET);
    expect(box.open(box.seal("", SHOP), SHOP)).toBe("");
    expect(box.open(box.seal("ünïcødé ✓", SHOP), SHOP)).toBe("ünïcødé ✓");
  });

  it("uses the versioned envelope v1.<keyId>.<iv>.<tag>.<ciphertext>", () => {
    const parts = box.seal(SECRET, SHOP).split(".");
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe("v1");
    expect(parts[1]).toBe(keyIdOf(OLD_KEY, "base64"));
    expect(Buffer.from(parts[2]!, "base64url")).toHaveLength(12);
    expect(Buffer.from(parts[3]!, "base64url")).toHaveLength(16);
    for (const part of parts.slice(1)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("produces a different ciphertext every time", () => {
    const seen = new Set(Array.from({ length: 20 }, () => box.seal(SECRET, SHOP)));
    expect(seen.size).toBe(20);
    const ivs = new Set([...seen].map((e) => e.split(".")[2]));
    expect(ivs.size).toBe(20);
  });

  it("never contains the plaintext", () => {
    const envelope = box.seal(SECRET, SHOP);
    expect(envelope).not.toContain(SECRET);
    expect(envelope).not.toContain(Buffer.from(SECRET).toString("base64url"));
    expect(envelope).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(envelope).not.toContain(Buffer.from(SECRET).toString("hex"));
  });

  it("fails with SecretBoxError when any part is tampered with", () => {
    const envelope = box.seal(SECRET, SHOP);
    const cases: Array<[string, string, RegExp]> = [
      ["version", tamper(envelope, 0, "v2"), /unknown format version "v2"/],
      ["keyId", tamper(envelope, 1, "deadbeef"), /sealed with key deadbeef, which is not in ENCRYPTION_KEY/],
      ["keyId (malformed)", tamper(envelope, 1, "xyz"), /malformed: bad key id/],
      ["iv", tamper(envelope, 2), /failed authentication/],
      ["tag", tamper(envelope, 3), /failed authentication/],
      ["ciphertext", tamper(envelope, 4), /failed authentication/],
      ["truncated iv", tamper(envelope, 2, "AAAA"), /malformed: bad IV/],
      ["truncated tag", tamper(envelope, 3, "AAAA"), /malformed: bad authentication tag/],
      ["missing part", envelope.split(".").slice(0, 4).join("."), /malformed: expected v1\./],
      ["not an envelope", SECRET, /malformed/],
    ];
    for (const [name, bad, message] of cases) {
      expect(bad, name).not.toBe(envelope);
      expect(() => box.open(bad, SHOP), name).toThrow(SecretBoxError);
      expect(() => box.open(bad, SHOP), name).toThrow(message);
    }
  });

  it("detects edits that only touch base64 padding bits", () => {
    const envelope = box.seal(SECRET, SHOP);
    const tag = envelope.split(".")[3]!; // 16 bytes → 22 chars, the last one carries 4 unused bits
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1]!; // differs only in an unused bit
    const edited = tag.slice(0, -1) + sibling;
    expect(edited).not.toBe(tag);
    expect(Buffer.from(edited, "base64url")).toEqual(Buffer.from(tag, "base64url"));
    expect(() => box.open(tamper(envelope, 3, edited), SHOP)).toThrow(
      "Encrypted value is malformed: bad authentication tag.",
    );
  });

  it("refuses to open a value in another context (shop)", () => {
    const envelope = box.seal(SECRET, SHOP);
    expect(() => box.open(envelope, OTHER_SHOP)).toThrow(SecretBoxError);
    expect(() => box.open(envelope, OTHER_SHOP)).toThrow(
      "Encrypted value failed authentication: it was modified, or it belongs to a different shop.",
    );
  });

  it("sets the error name", () => {
    try {
      box.open("v9.00000000.a.b.c", SHOP);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SecretBoxError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe("SecretBoxError");
    }
  });
});

describe("key rotation", () => {
  it("opens old values with the old key listed second, and flags them for rotation", () => {
    const oldBox = createSecretBox(OLD_KEY);
    const sealedOld = oldBox.seal(SECRET, SHOP);
    expect(oldBox.needsRotation(sealedOld)).toBe(false);

    const rotated = createSecretBox(`${NEW_KEY}, ${OLD_KEY}`);
    expect(rotated.open(sealedOld, SHOP)).toBe(SECRET);
    expect(rotated.needsRotation(sealedOld)).toBe(true);

    const resealed = rotated.seal(rotated.open(sealedOld, SHOP), SHOP);
    expect(resealed.split(".")[1]).toBe(keyIdOf(NEW_KEY, "hex"));
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(rotated.open(resealed, SHOP)).toBe(SECRET);
    // The old key alone can't read values sealed with the new one.
    expect(() => oldBox.open(resealed, SHOP)).toThrow(SecretBoxError);
  });

  it("fails clearly when the sealing key is no longer listed", () => {
    const sealedOld = createSecretBox(OLD_KEY).seal(SECRET, SHOP);
    const newOnly = createSecretBox(NEW_KEY);
    expect(() => newOnly.open(sealedOld, SHOP)).toThrow(SecretBoxError);
    expect(() => newOnly.open(sealedOld, SHOP)).toThrow(
      `Encrypted value was sealed with key ${keyIdOf(OLD_KEY, "base64")}, which is not in ENCRYPTION_KEY. ` +
        "Add that key back (after the current one) or re-enter the secret.",
    );
    expect(newOnly.needsRotation(sealedOld)).toBe(true);
  });

  it("needsRotation rejects a malformed envelope", () => {
    expect(() => createSecretBox(NEW_KEY).needsRotation("garbage")).toThrow(SecretBoxError);
  });

  it("accepts the same key in base64 and hex as the same key", () => {
    const bytes = randomBytes(32);
    const sealed = createSecretBox(bytes.toString("base64")).seal(SECRET, SHOP);
    const viaHex = createSecretBox(bytes.toString("hex").toUpperCase());
    expect(viaHex.open(sealed, SHOP)).toBe(SECRET);
    expect(viaHex.needsRotation(sealed)).toBe(false);
  });
});

describe("key format", () => {
  const bad: Array<[string, RegExp]> = [
    ["", /ENCRYPTION_KEY is not set/],
    [" , ", /ENCRYPTION_KEY is not set/],
    ["short", /entry #1 is not a valid key \(5 characters\)/],
    [randomBytes(16).toString("base64"), /entry #1 is not a valid key \(24 characters\)/],
    [randomBytes(16).toString("hex"), /entry #1 is not a valid key \(32 characters\)/],
    [randomBytes(33).toString("base64"), /entry #1 is not a valid key/],
    [randomBytes(32).toString("hex").slice(0, 63) + "g", /entry #1 is not a valid key/],
    [randomBytes(32).toString("base64url"), /entry #1 is not a valid key/],
    [`${randomBytes(32).toString("base64")},nope`, /entry #2 is not a valid key/],
    [`${randomBytes(32).toString("base64")},,${randomBytes(32).toString("base64")}`, /entry #2 is empty/],
  ];

  it.each(bad)("rejects %j", (key, message) => {
    expect(() => createSecretBox(key)).toThrow(message);
  });

  it("never echoes the key in the error", () => {
    const almost = randomBytes(31).toString("base64");
    try {
      createSecretBox(almost);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain(almost);
      expect((e as Error).message).toMatch(/32 bytes as base64 \(44 characters\) or hex \(64 characters\)/);
    }
  });

  it("generateEncryptionKey makes a usable 32-byte base64 key", () => {
    const key = generateEncryptionKey();
    expect(key).toHaveLength(44);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(generateEncryptionKey()).not.toBe(key);
    const box = createSecretBox(key);
    expect(box.open(box.seal(SECRET, SHOP), SHOP)).toBe(SECRET);
  });
});

describe("secretBoxFromEnv", () => {
  it("uses ENCRYPTION_KEY", () => {
    const sealed = createSecretBox(OLD_KEY).seal(SECRET, SHOP);
    const box = secretBoxFromEnv({ ENCRYPTION_KEY: `${NEW_KEY},${OLD_KEY}` });
    expect(box.open(sealed, SHOP)).toBe(SECRET);
    expect(box.needsRotation(sealed)).toBe(true);
  });

  it("has no key to fall back on, whatever NODE_ENV says: a key in the source would protect nothing", () => {
    const message =
      "ENCRYPTION_KEY is not set. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"";
    for (const env of [{}, { NODE_ENV: "development" }, { NODE_ENV: "production" }, { ENCRYPTION_KEY: "  " }]) {
      expect(() => secretBoxFromEnv(env), JSON.stringify(env)).toThrow(message);
      expect(encryptionKeyProblem(env)).toBe(message);
    }
  });

  it("says in one line why a key cannot be used, without the key", () => {
    const almost = randomBytes(31).toString("base64");
    expect(encryptionKeyProblem({ ENCRYPTION_KEY: almost })).toMatch(/^ENCRYPTION_KEY entry #1 is not a valid key/);
    expect(encryptionKeyProblem({ ENCRYPTION_KEY: almost })).not.toContain(almost);
    expect(encryptionKeyProblem({ ENCRYPTION_KEY: NEW_KEY })).toBeNull();
  });
});

describe("openSealed", () => {
  it("opens a sealed value once and keeps the plaintext for the same value and context", () => {
    const box = createSecretBox(NEW_KEY);
    const sealed = box.seal(SECRET, SHOP);
    const open = vi.spyOn(box, "open");
    expect(openSealed(sealed, SHOP, box)).toBe(SECRET);
    expect(openSealed(sealed, SHOP, box)).toBe(SECRET);
    expect(open).toHaveBeenCalledTimes(1);
    expect(() => openSealed(sealed, OTHER_SHOP, box)).toThrow(SecretBoxError);
  });
});
