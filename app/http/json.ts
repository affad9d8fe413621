// Parsing JSON a sender controls. JSON.parse itself copes with any nesting, but everything after it — mapping,
// Braze's limits, storing, privacy reports — walks the value, so a body nested thousands of levels deep (a few KB)
// would overflow the stack there and answer 500 on every redelivery. The depth is checked right after parsing, in
// one pass without recursion, and a body that is too deep is refused naming where.
export const MAX_JSON_DEPTH = 32; // objects and arrays inside one another; Okendo's deepest published object has 5

export type JsonParse = { ok: true; value: unknown } | { ok: false; problem: "syntax" | "depth"; message: string };

interface Frame {
  value: unknown;
  depth: number; // of `value`, when it is an object or array: the root one is 1
  parent: Frame | null;
  key: string | number | null;
}

function pathOf(frame: Frame): string {
  const keys: Array<string | number> = [];
  for (let at: Frame | null = frame; at?.key !== null && at !== null; at = at.parent) keys.push(at.key!);
  return keys
    .reverse()
    .map((key, index) =>
      typeof key === "number"
        ? `[${key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
          ? `${index === 0 ? "" : "."}${key}`
          : `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`,
    )
    .join("");
}

// The path of the first object or array nested deeper than `maxDepth`, or null. Linear in the size of the value.
export function tooDeepAt(value: unknown, maxDepth = MAX_JSON_DEPTH, startDepth = 1): string | null {
  const stack: Frame[] = [{ value, depth: startDepth, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value: current } = frame;
    if (current === null || typeof current !== "object") continue;
    if (frame.depth > maxDepth) return pathOf(frame) || "(the body)";
    const entries: Array<[string | number, unknown]> = Array.isArray(current)
      ? current.map((item, index) => [index, item])
      : Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (child !== null && typeof child === "object")
        stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
    }
  }
  return null;
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
