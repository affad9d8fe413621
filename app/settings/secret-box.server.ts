// Encryption at rest for the merchant's Braze API key (AES-256-GCM).
//
// Envelope: v1.<keyId>.<iv>.<tag>.<ciphertext>, every part base64url.
//   - the version lets the format change later without guessing;
//   - keyId (first 8 hex chars of sha256(key)) lets open() pick the right key
//     and lets a re-encryption job find values still sealed with an old key;
//   - the caller's context (e.g. the shop domain) is bound as AAD, so a value
//     copied into another shop's row fails to decrypt instead of leaking.
//
// ENCRYPTION_KEY holds one or more comma-separated 32-byte keys (base64 or hex).
// The first one seals; all are tried for opening. To rotate: put the new key
// first, keep the old one after it until every value has been re-sealed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws SecretBoxError on tampering, unknown keyId, unknown version or wrong context. */
  open(envelope: string, context: string): string;
  /** True when the envelope was not sealed with the current (first) key. */
  needsRotation(envelope: string): boolean;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM-recommended nonce size
const TAG_BYTES = 16;

export const MISSING_KEY_MESSAGE =
  "ENCRYPTION_KEY is not set. Generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"";

interface Key {
  id: string;
  bytes: Buffer;
}

function keyIdOf(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 8);
}

// Never include the key material in errors: they end up in logs.
function parseKey(text: string, position: number): Key {
  const where = `ENCRYPTION_KEY entry #${position}`;
  let bytes: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    bytes = Buffer.from(text, "hex");
  } else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    bytes = Buffer.from(text, "base64");
  } else if (text === "") {
    throw new Error(`${where} is empty. Each key must be 32 bytes as base64 (44 characters) or hex (64 characters).`);
  } else {
    throw new Error(
      `${where} is not a valid key (${text.length} characters). Each key must be 32 bytes as base64 (44 characters) or hex (64 characters).`,
    );
  }
  if (bytes.length !== KEY_BYTES) {
    throw new Error(`${where} does not decode to 32 bytes.`);
  }
  return { id: keyIdOf(bytes), bytes };
}

const b64url = (buf: Buffer) => buf.toString("base64url");

function fromB64url(part: string, name: string, expectedBytes?: number): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new SecretBoxError(`Encrypted value is malformed: bad ${name}.`);
  const buf = Buffer.from(part, "base64url");
  // Re-encoding must give back the same text: Node's decoder ignores stray
  // padding bits, and an edit to the envelope must never go unnoticed.
  if (b64url(buf) !== part || (expectedBytes !== undefined && buf.length !== expectedBytes)) {
    throw new SecretBoxError(`Encrypted value is malformed: bad ${name}.`);
  }
  return buf;
}

interface Envelope {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parseEnvelope(envelope: string): Envelope {
  const parts = envelope.split(".");
  const version = parts[0];
  if (version !== VERSION) {
    throw new SecretBoxError(
      parts.length === 5 && version
        ? `Encrypted value uses unknown format version "${version.slice(0, 8)}".`
        : "Encrypted value is malformed: expected v1.<keyId>.<iv>.<tag>.<ciphertext>.",
    );
  }
  if (parts.length !== 5) {
    throw new SecretBoxError("Encrypted value is malformed: expected v1.<keyId>.<iv>.<tag>.<ciphertext>.");
  }
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw new SecretBoxError("Encrypted value is malformed: bad key id.");
  return {
    keyId,
    iv: fromB64url(iv, "IV", IV_BYTES),
    tag: fromB64url(tag, "authentication tag", TAG_BYTES),
    ciphertext: fromB64url(ciphertext, "ciphertext"),
  };
}

export function createSecretBox(encryptionKeys: string): SecretBox {
  const entries = encryptionKeys.split(",").map((k) => k.trim());
  if (entries.every((k) => k === "")) throw new Error(MISSING_KEY_MESSAGE);
  const keys = entries.map((text, i) => parseKey(text, i + 1));
  const current = keys[0]!;
  const byId = new Map<string, Key>();
  // First occurrence wins; a duplicate entry is harmless.
  for (const key of keys) if (!byId.has(key.id)) byId.set(key.id, key);

  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, current.id, b64url(iv), b64url(tag), b64url(ciphertext)].join(".");
    },

    open(envelope, context) {
      const env = parseEnvelope(envelope);
      const key = byId.get(env.keyId);
      if (!key) {
        throw new SecretBoxError(
          `Encrypted value was sealed with key ${env.keyId}, which is not in ENCRYPTION_KEY. ` +
            "Add that key back (after the current one) or re-enter the secret.",
        );
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key.bytes, env.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(env.tag);
        return Buffer.concat([decipher.update(env.ciphertext), decipher.final()]).toString("utf8");
      } catch {
        // GCM cannot tell tampering from a wrong context: both fail authentication.
        throw new SecretBoxError(
          "Encrypted value failed authentication: it was modified, or it belongs to a different shop.",
        );
      }
    },

    needsRotation(envelope) {
      return parseEnvelope(envelope).keyId !== current.id;
    },
  };
}

// The process's box, built from ENCRYPTION_KEY. There is no fallback key: a key in the source would protect nothing,
// so a process without a usable key refuses to start (server.mjs, worker.mjs call encryptionKeyProblem first); the
// demo and the tests bring keys of their own.
export type SecretBoxEnv = { readonly [name: string]: string | undefined };

let current: { keys: string; box: SecretBox } | undefined;

export function secretBoxFromEnv(env: SecretBoxEnv = process.env): SecretBox {
  const keys = env.ENCRYPTION_KEY?.trim() ?? "";
  if (current?.keys !== keys) current = { keys, box: createSecretBox(keys) };
  return current.box;
}

// Why ENCRYPTION_KEY cannot be used, in one line (never the key itself), or null.
export function encryptionKeyProblem(env: SecretBoxEnv = process.env): string | null {
  try {
    secretBoxFromEnv(env);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

// Opening the same sealed value again (a signing secret on every webhook, the Braze key on every turn) costs an
// AES-GCM decryption and key parsing each time; the plaintext is kept per sealed value instead. Bounded: the oldest
// entries go first when it is full.
const OPENED_LIMIT = 10_000;
const opened = new Map<string, string>();

export function openSealed(sealed: string, context: string, box: SecretBox = secretBoxFromEnv()): string {
  const cacheKey = `${context}\u0000${sealed}`;
  const cached = opened.get(cacheKey);
  if (cached !== undefined) return cached;
  const plaintext = box.open(sealed, context);
  if (opened.size >= OPENED_LIMIT) opened.delete(opened.keys().next().value!);
  opened.set(cacheKey, plaintext);
  return plaintext;
}

/** A fresh key for ENCRYPTION_KEY: base64 of 32 random bytes. */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}
