// Parsing JSON a sender controls. JSON.parse itself copes with any nesting, but everything after it — mapping,
// Braze's limits, storing, privacy reports — walks the value, so a body nested thousands of levels deep (a few KB)
// would overflow the stack there and answer 500 on every redelivery. The depth is checked right after parsing, in
// one pass without recursion, and a body that is too deep is refused naming where.
export const MAX_JSON_DEPTH = 32; // objects and arrays inside one another; Okendo's deepest published object has 5

export type JsonParse = { ok: true; value: unknown } | { ok: false; problem: "syntax" | "depth"; message: string };

// The path of the first object or array nested deeper than `maxDepth`, or null. Linear in the size of the value:
// one pass with an explicit stack of values and depths; the path is only worked out (by a second, bounded walk down
// the same branch) when there is one to report.
export function tooDeepAt(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > maxDepth) return pathTo(value, current);
    if (Array.isArray(current)) {
      for (const item of current) {
        if (item !== null && typeof item === "object") {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (child !== null && typeof child === "object") {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return null;
}

function segment(key: string | number, first: boolean): string {
  if (typeof key === "number") return `[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return first ? key : `.${key}`;
  return `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}

// The path from `root` down to `target` (a value nested deeper than the limit), found depth first.
function pathTo(root: unknown, target: unknown): string {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === target) return path || "(the body)";
    if (value === null || typeof value !== "object") continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === "object")
        stack.push({ value: child, path: path + segment(key, path === "") });
    }
  }
  return "(the body)";
}

export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: "syntax", message: "The body is not valid JSON." };
  }
  const at = tooDeepAt(value, maxDepth);
  if (at !== null) return { ok: false, problem: "depth", message: `${at}: nested deeper than ${maxDepth} levels` };
  return { ok: true, value };
}
