// The documented JSON event envelope: how any catalog event reaches us when Okendo has no native
// webhook for it (referrals, surveys, quizzes, review requests), from Okendo Sequences' "Forward to
// HTTP Endpoint" step or a merchant's own code:
//
//   {"event": "Okendo Review Created", "occurredAt": "2026-11-26T10:00:00Z",
//    "customer": {"email": "...", "shopifyCustomerId": "...", "firstName": "...", "lastName": "..."},
//    "properties": {...}, "attributes": {...}}
//
// People write these by hand, so every problem names its JSON path and says how to fix it; the
// ingress answers them in a 422 and stores nothing.
import { z } from "zod";
import { catalogEntry } from "../catalog/events";
import { normalizeEmail, normalizeShopifyCustomerId, type CatalogEvent, type CustomerRef } from "../catalog/messages";
import { CATALOG_EVENT_NAMES, isCatalogEventName, suggestEventName, type CatalogEventName } from "../catalog/names";
import { BRAZE_IDENTIFIER_KEYS } from "../braze/objects";
import type { Interpretation } from "./interpretation";

export type EnvelopeResult = { ok: true; event: CatalogEvent } | { ok: false; problems: string[] };

const ISO_EXAMPLE = "2026-11-26T10:00:00Z";
const CUSTOMER_NEEDS = "an object with an email or a shopifyCustomerId";

// --- event name -------------------------------------------------------------------------------

function unknownEventProblem(input: string): string {
  const suggestion = suggestEventName(input);
  const hint = suggestion
    ? `did you mean ${JSON.stringify(suggestion)}?`
    : `use one of ${CATALOG_EVENT_NAMES.map((n) => JSON.stringify(n)).join(", ")}`;
  // Echo a bounded part of what was sent: the answer must not grow with the sender's input.
  const quoted =
    input.length > 80 ? `${JSON.stringify(input.slice(0, 80))}… (${input.length} characters)` : JSON.stringify(input);
  return `${quoted} is not a catalog event name (names are case-sensitive; ${hint})`;
}

// --- attributes ---------------------------------------------------------------------------------

// Braze's own Shopify app owns shopify_* attributes and ecommerce.* names; writing them from here
// would silently fight that app's values.
function attributeKeyProblem(key: string): string | undefined {
  if (key === "") return "attribute names must not be empty";
  const lower = key.toLowerCase();
  for (const prefix of ["shopify_", "ecommerce."]) {
    if (lower.startsWith(prefix)) {
      const own = `okendo_${key.slice(prefix.length)}`;
      return `"${prefix}" names belong to Braze's own Shopify app; use a name of your own such as ${JSON.stringify(own)}`;
    }
  }
  if (BRAZE_IDENTIFIER_KEYS.includes(key)) {
    return key === "email"
      ? "identifies the user in Braze; send the address as customer.email"
      : `"${key}" identifies the user in Braze and cannot be sent as an attribute`;
  }
  return undefined;
}

// --- schema ---------------------------------------------------------------------------------------

const missingOr = (required: string, wrong: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? required : wrong;

// Templating tools (Okendo Sequences, Flow) fill unknown values with "" or null: treat those as "not given".
const blankToUndefined = (value: unknown) =>
  value === null || (typeof value === "string" && value.trim() === "") ? undefined : value;

const optionalText = z.preprocess(
  blankToUndefined,
  z
    .string({ error: "must be a string" })
    .transform((s) => s.trim())
    .optional(),
);

const CustomerSchema = z
  .strictObject(
    {
      email: z.preprocess(
        blankToUndefined,
        z
          .string({ error: "must be an email address" })
          .transform(normalizeEmail)
          .pipe(z.email({ error: "must be an email address" }))
          .optional(),
      ),
      shopifyCustomerId: z.preprocess(
        blankToUndefined,
        z
          .unknown()
          .transform((value, ctx) => {
            const id = normalizeShopifyCustomerId(value);
            if (id === undefined) {
              ctx.addIssue({
                code: "custom",
                message:
                  "must be a Shopify customer ID such as 7001234567890 (a number, a string of digits or gid://shopify/Customer/7001234567890)",
              });
              return z.NEVER;
            }
            return id;
          })
          .optional(),
      ),
      firstName: optionalText,
      lastName: optionalText,
    },
    { error: missingOr(`is required (${CUSTOMER_NEEDS})`, `must be ${CUSTOMER_NEEDS}`) },
  )
  .superRefine((customer, ctx) => {
    if (!customer.email && !customer.shopifyCustomerId) {
      ctx.addIssue({ code: "custom", message: "needs an email or a shopifyCustomerId" });
    }
  });

const EnvelopeSchema = z.strictObject(
  {
    event: z
      .string({
        error: missingOr(
          'is required (the catalog event name, e.g. "Okendo Review Created")',
          'must be a string (the catalog event name, e.g. "Okendo Review Created")',
        ),
      })
      .superRefine((name, ctx) => {
        if (!isCatalogEventName(name)) ctx.addIssue({ code: "custom", message: unknownEventProblem(name) });
      }),
    occurredAt: z
      .string({
        error: missingOr(
          `is required (an ISO 8601 date-time such as ${ISO_EXAMPLE})`,
          `must be an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
        ),
      })
      // A time zone is required: a local time would be read differently on every server.
      .pipe(z.iso.datetime({ offset: true, error: `must be an ISO 8601 date-time such as ${ISO_EXAMPLE}` }))
      .transform((iso) => new Date(iso).toISOString()),
    customer: CustomerSchema,
    properties: z.record(z.string(), z.unknown(), {
      error: missingOr("is required (an object; use {} when the event has none)", "must be an object"),
    }),
    attributes: z
      .record(z.string(), z.unknown(), { error: "must be an object" })
      .superRefine((attributes, ctx) => {
        for (const key of Object.keys(attributes)) {
          const problem = attributeKeyProblem(key);
          if (problem) ctx.addIssue({ code: "custom", message: problem, path: [key] });
        }
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? "unexpected key"
        : 'must be a JSON object with "event", "occurredAt", "customer" and "properties"',
  },
);

// --- problems -----------------------------------------------------------------------------------

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment))
      out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function problemsOf(error: z.ZodError): string[] {
  const problems: string[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push(
          path ? `${path}: unexpected key ${JSON.stringify(key)}` : `unexpected key ${JSON.stringify(key)}`,
        );
      }
    } else {
      problems.push(`${path || "envelope"}: ${issue.message}`);
    }
  }
  return problems;
}

// --- public -------------------------------------------------------------------------------------

// The ingress receives two payload forms on one URL; Okendo's native deliveries carry `resource`.
export function isEventEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  return typeof (body as Record<string, unknown>).event === "string" && !("resource" in body);
}

export function parseEventEnvelope(body: unknown): EnvelopeResult {
  const parsed = EnvelopeSchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };

  const { event, occurredAt, customer, properties, attributes } = parsed.data;
  const name = event as CatalogEventName; // checked by the schema
  const ref: CustomerRef = {};
  if (customer.email) ref.email = customer.email;
  if (customer.shopifyCustomerId) ref.shopifyCustomerId = customer.shopifyCustomerId;
  if (customer.firstName) ref.firstName = customer.firstName;
  if (customer.lastName) ref.lastName = customer.lastName;

  return {
    ok: true,
    event: {
      kind: "event",
      name,
      occurredAt,
      customer: ref,
      properties,
      // What the catalog derives from the properties, then what the sender set explicitly (sender wins).
      attributes: { ...catalogEntry(name).attributeEffects(properties), ...attributes },
    },
  };
}

export function interpretEnvelope(body: unknown): Interpretation {
  const parsed = parseEventEnvelope(body);
  return parsed.ok ? { kind: "mapped", messages: [parsed.event] } : { kind: "invalid", problems: parsed.problems };
}
