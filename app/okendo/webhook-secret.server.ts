// Finds the webhook secret in Okendo's answer to "create a webhook subscription".
//
// Okendo documents that the answer "also contains the Webhook Secret" but not under which field name
// (docs/decisions/0009). So the answer is searched for a Standard Webhooks secret — a string "whsec_" + base64 —
// breadth first, bounded in depth and in the number of values visited, whatever the field is called. Field names
// that say "secret" only break a tie; two different secrets with no such hint are refused rather than guessed.

const WHSEC = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;
const HINT = /secret/i;

export type SecretLookup = { ok: true; secret: string; path: string } | { ok: false; reason: "none" | "ambiguous" };

export function findWebhookSecret(answer: unknown, limits = { depth: 5, values: 2_000 }): SecretLookup {
  const found = new Map<string, string[]>(); // secret → paths
  let queue: { value: unknown; path: string }[] = [{ value: answer, path: "" }];
  let visited = 0;
  for (let depth = 0; depth <= limits.depth && queue.length > 0; depth++) {
    const next: typeof queue = [];
    for (const { value, path } of queue) {
      if (++visited > limits.values) break;
      if (typeof value === "string") {
        if (WHSEC.test(value.trim()) && isBase64Key(value.trim())) {
          found.set(value.trim(), [...(found.get(value.trim()) ?? []), path]);
        }
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => next.push({ value: item, path: `${path}[${i}]` }));
      } else if (value && typeof value === "object") {
        for (const [key, item] of Object.entries(value))
          next.push({ value: item, path: path ? `${path}.${key}` : key });
      }
    }
    queue = next;
  }
  const secrets = [...found.entries()];
  if (secrets.length === 0) return { ok: false, reason: "none" };
  if (secrets.length === 1) return { ok: true, secret: secrets[0]![0], path: secrets[0]![1][0]! };
  const hinted = secrets.filter(([, paths]) => paths.some((p) => HINT.test(p.split(".").at(-1) ?? "")));
  if (hinted.length === 1) return { ok: true, secret: hinted[0]![0], path: hinted[0]![1][0]! };
  return { ok: false, reason: "ambiguous" };
}

// The part after "whsec_" is the HMAC key, base64: a value that does not decode cleanly cannot sign anything.
function isBase64Key(secret: string): boolean {
  const part = secret.slice("whsec_".length);
  const bytes = Buffer.from(part, "base64");
  return bytes.length >= 16 && bytes.toString("base64").replace(/=+$/, "") === part.replace(/=+$/, "");
}
