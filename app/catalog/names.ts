// The 15 Braze custom events Okendo's own connector sends, each named once, with its product group. Names are exact
// and case-sensitive in Braze (Braze's partner page for Okendo); everything else about an event (its slug, its
// row in the event table, its place on the settings screen) is derived from this list.
export const PRODUCT_GROUPS = ["Reviews", "Referrals", "Loyalty", "Surveys", "Quizzes"] as const;
export type ProductGroup = (typeof PRODUCT_GROUPS)[number];

const EVENTS = [
  ["Okendo Review Created", "Reviews"],
  ["Okendo Review Request", "Reviews"],
  ["Sent Okendo Referral", "Referrals"],
  ["Opted In to Okendo Referrals", "Referrals"],
  ["Okendo Referral Invitation", "Referrals"],
  ["Received Okendo Referral Coupon", "Referrals"],
  ["Redeemed Okendo Referral Coupon", "Referrals"],
  ["Okendo Referral Rejected", "Referrals"],
  ["Enrolled in Okendo Loyalty", "Loyalty"],
  ["Okendo Loyalty Points Awarded", "Loyalty"],
  ["Okendo Loyalty Points Redeemed", "Loyalty"],
  ["Okendo Loyalty Tier Changed", "Loyalty"],
  ["Okendo Loyalty Points Adjusted", "Loyalty"],
  ["Submitted Okendo Survey", "Surveys"],
  ["Submitted Okendo Quiz", "Quizzes"],
] as const satisfies ReadonlyArray<readonly [string, ProductGroup]>;

export type CatalogEventName = (typeof EVENTS)[number][0];

export const CATALOG_EVENT_NAMES: readonly CatalogEventName[] = Object.freeze(EVENTS.map(([name]) => name));

const GROUPS = new Map<string, ProductGroup>(EVENTS);

export function isCatalogEventName(value: unknown): value is CatalogEventName {
  return typeof value === "string" && GROUPS.has(value);
}

export function groupOf(name: CatalogEventName): ProductGroup {
  return GROUPS.get(name)!;
}

// Kebab-case: fixture file names, URLs and the loose spellings people type ("okendo-review-created").
export function slugOf(name: CatalogEventName): string {
  return name.toLowerCase().replace(/\s+/g, "-");
}

// People type names by hand (Flow's action field, envelopes): any casing, spacing, hyphens or underscores in place of
// spaces, and the slug all mean the same event.
const looseKey = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
const BY_LOOSE_KEY = new Map<string, CatalogEventName>(CATALOG_EVENT_NAMES.map((name) => [looseKey(name), name]));

export function eventNamedLoosely(input: string): CatalogEventName | undefined {
  return BY_LOOSE_KEY.get(looseKey(input));
}

// The longest input worth comparing: an edit distance costs the product of both lengths, and a sender controls the
// input's, so anything much longer than the longest name gets no suggestion (it is not a typo of one).
const LONGEST_NAME = Math.max(...CATALOG_EVENT_NAMES.map((name) => name.length));
const MAX_SUGGESTION_INPUT = LONGEST_NAME + 16;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

// The usual mistakes are case and small typos; suggest only when the nearest name is close enough that the suggestion
// is obviously what was meant.
export function suggestEventName(input: string): CatalogEventName | undefined {
  const wanted = looseKey(input);
  if (wanted === "" || wanted.length > MAX_SUGGESTION_INPUT) return undefined;
  const exact = BY_LOOSE_KEY.get(wanted);
  if (exact) return exact;
  let best: [CatalogEventName, number] | undefined;
  for (const [key, name] of BY_LOOSE_KEY) {
    const distance = editDistance(wanted, key);
    if (!best || distance < best[1]) best = [name, distance];
  }
  return best && best[1] <= Math.max(2, Math.floor(wanted.length / 5)) ? best[0] : undefined;
}
