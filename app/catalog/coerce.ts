// Tolerant readers shared by the sources and the attribute rules: numbers may arrive as numeric strings from
// templating tools (Flow, Okendo Sequences), booleans as "true", and empty strings mean "not given". None throws.

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

// Trimmed, non-empty text; a finite number counts as its text.
export function toText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

// ISO strings and epoch numbers (seconds or milliseconds) → ISO 8601 UTC.
export function toIsoDate(value: unknown): string | undefined {
  let date: Date | undefined;
  if (typeof value === "string" && value.trim() !== "") date = new Date(value.trim());
  else if (typeof value === "number" && Number.isFinite(value)) date = new Date(value < 1e12 ? value * 1000 : value);
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

export function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

// "Skin Type" → "skin_type", "What's your hair colour?" → "whats_your_hair_colour", "skinType" → "skin_type".
// Latin accents are dropped (Liquid users type plain ASCII); other scripts are kept as letters.
export function toSnakeCase(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .replace(/['’]/g, "")
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1_$2")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}
