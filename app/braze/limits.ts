// Braze's /users/track limits, enforced while mapping so a bad value is fixed (and noted) here
// instead of being discovered as a rejected object at Braze, where one bad object can cost a
// whole retry cycle. Each fix is reported as an adjustment the merchant sees in the activity log.
// Pure and browser-safe (no node: imports).

export const BRAZE_MAX_KEY_LENGTH = 255; // event property and custom attribute keys
export const BRAZE_MAX_STRING_VALUE_LENGTH = 255; // string property and attribute values
export const BRAZE_MAX_PROPERTIES_BYTES = 50 * 1024; // whole event properties JSON, nested included
export const BRAZE_MAX_EXTERNAL_ID_BYTES = 987; // UTF-8
export const BRAZE_MAX_OBJECTS_PER_REQUEST = 75; // attributes + events + purchases
export const BRAZE_RESERVED_PROPERTY_KEYS: readonly string[] = Object.freeze(["time", "event_name"]);
// Reserved keys are kept under this prefix rather than dropped: the value is still usable in Liquid.
export const RESERVED_KEY_PREFIX = "okendo_";

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function externalIdFits(id: string): boolean {
  return typeof id === "string" && id.length > 0 && utf8Length(id) <= BRAZE_MAX_EXTERNAL_ID_BYTES;
}

// Cut to the limit without leaving half of a surrogate pair (an emoji) at the end.
function truncate(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

// Paths name where a change was made, in the notes; built only when a note needs one (most keys need none).
type Path = () => string;

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Key rules shared by properties and attributes: no leading "$", not empty, at most 255 characters.
function cleanKey(key: string, path: Path, notes: string[]): string | undefined {
  let clean = key;
  if (clean.startsWith("$")) {
    clean = clean.replace(/^\$+/, "");
    if (clean !== "") notes.push(`${path()}: renamed to "${clean}" (Braze keys cannot start with "$")`);
  }
  if (clean === "") {
    notes.push(`${path()}: dropped (Braze keys cannot be empty)`);
    return undefined;
  }
  if (clean.length > BRAZE_MAX_KEY_LENGTH) {
    clean = truncate(clean, BRAZE_MAX_KEY_LENGTH);
    notes.push(`${path()}: key cut to ${BRAZE_MAX_KEY_LENGTH} characters (Braze's limit for a key)`);
  }
  return clean;
}

const DROP = Symbol("drop");

// Makes a value JSON-safe and within Braze's value rules. `undefined` disappears silently (it is
// "not set" in JavaScript and would vanish in JSON anyway); everything else that changes is noted.
function cleanValue(value: unknown, path: Path, notes: string[]): unknown {
  if (value === undefined) return DROP;
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") {
    if (value.length <= BRAZE_MAX_STRING_VALUE_LENGTH) return value;
    notes.push(
      `${path()}: cut from ${value.length} to ${BRAZE_MAX_STRING_VALUE_LENGTH} characters (Braze's limit for a text value)`,
    );
    return truncate(value, BRAZE_MAX_STRING_VALUE_LENGTH);
  }
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    notes.push(`${path()}: dropped (${value} is not a number Braze accepts)`);
    return DROP;
  }
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.toISOString();
    notes.push(`${path()}: dropped (invalid date)`);
    return DROP;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    value.forEach((item, index) => {
      const clean = cleanValue(item, () => childPath(path(), index), notes);
      if (clean !== DROP) items.push(clean);
    });
    return items;
  }
  if (isPlainObject(value)) return cleanObject(value, path, notes, false);
  notes.push(`${path()}: dropped (a ${typeof value} cannot be sent as JSON)`);
  return DROP;
}

function cleanObject(
  input: Record<string, unknown>,
  path: Path,
  notes: string[],
  renameReserved: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, rawValue] of Object.entries(input)) {
    const keyPath = () => childPath(path(), rawKey);
    if (rawValue === undefined) continue;
    let key = cleanKey(rawKey, keyPath, notes);
    if (key === undefined) continue;
    if (renameReserved && BRAZE_RESERVED_PROPERTY_KEYS.includes(key)) {
      const renamed = `${RESERVED_KEY_PREFIX}${key}`;
      notes.push(`${keyPath()}: renamed to "${renamed}" ("${key}" is reserved by Braze)`);
      key = renamed;
    }
    if (Object.hasOwn(out, key)) {
      notes.push(`${keyPath()}: dropped ("${key}" is already set; the first value is kept)`);
      continue;
    }
    const cleanKeyName = key;
    const value = cleanValue(rawValue, () => childPath(path(), cleanKeyName), notes);
    if (value !== DROP) out[key] = value;
  }
  return out;
}

function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value));
}

// Braze allows nested properties but the whole object must stay small; drop the largest nested value first (photo
// lists, answer arrays) because the flat scalar fields are what Canvases filter on, then the largest scalars.
// Each entry's size is measured once and the entries are dropped largest first from one sorted list, so the cost
// is n log n in the number of properties (measuring again after each drop made a 63 KB body take seconds).
function fitPropertiesSize(properties: Record<string, unknown>, notes: string[]): void {
  const entries = Object.entries(properties).map(([key, value]) => ({
    key,
    nested: value !== null && typeof value === "object",
    // `"key":value` and the comma that separates it from the next entry
    size: jsonBytes(key) + 1 + jsonBytes(value) + 1,
    valueSize: jsonBytes(value),
  }));
  let total = 2 + entries.reduce((sum, entry) => sum + entry.size, 0) - (entries.length > 0 ? 1 : 0);
  if (total <= BRAZE_MAX_PROPERTIES_BYTES) return;
  entries.sort((a, b) => Number(b.nested) - Number(a.nested) || b.valueSize - a.valueSize);
  for (const entry of entries) {
    if (total <= BRAZE_MAX_PROPERTIES_BYTES) break;
    delete properties[entry.key];
    total -= entry.size;
    notes.push(
      `${childPath("properties", entry.key)}: dropped (${entry.valueSize} bytes) to keep the event properties under Braze's ${BRAZE_MAX_PROPERTIES_BYTES / 1024} KB limit`,
    );
  }
}

export function sanitizeProperties(props: Record<string, unknown>): {
  properties: Record<string, unknown>;
  adjustments: string[];
} {
  const adjustments: string[] = [];
  const properties = cleanObject(props, () => "properties", adjustments, true);
  fitPropertiesSize(properties, adjustments);
  return { properties, adjustments };
}

// Same key and value rules for custom attributes. `null` is kept on purpose: it is how Braze
// removes an attribute from a profile.
export function sanitizeAttributes(attrs: Record<string, unknown>): {
  attributes: Record<string, unknown>;
  adjustments: string[];
} {
  const adjustments: string[] = [];
  const attributes = cleanObject(attrs, () => "attributes", adjustments, false);
  return { attributes, adjustments };
}
