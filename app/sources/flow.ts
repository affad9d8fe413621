// Shopify Flow → this app: the "Send Okendo event to Braze" action (extensions/send-okendo-event). It lets a
// merchant connect Okendo's Flow triggers (e.g. "Okendo Review Created") to Braze without code.
//
// Flow POSTs one JSON body per action run, signed like a webhook (x-shopify-hmac-sha256, HMAC-SHA256 of the raw
// body with the app's API secret, base64). Shape, per shopify.dev/docs/apps/build/flow/actions/endpoints:
//
//   {"shop_id": "1", "shopify_domain": "shop.myshopify.com", "action_run_id": "xxxx-xxxx",
//    "action_definition_id": "...", "handle": "send-okendo-event-to-braze",
//    "properties": {"customer_id": "123456", "email": "...", "event": "...", "properties": "{...}",
//                   "step_reference": "..."}}
//
// `properties` holds the action's fields under their keys; the customer_reference field arrives as
// `customer_id` (Shopify CLI serializes a `<object>_reference` field as `<object>_id`). A top-level
// `customer_id` is accepted too. `action_run_id` is stable across Flow's retries: it is the dedupe key.
//
// The fields are turned into the documented event envelope and validated by the same code as the Okendo
// ingress, so a Flow run and an envelope POST produce identical Braze objects. The event field forgives what
// people type: any casing and spacing, hyphens, and the catalog's slugs name the same event; a near miss fails the
// run with "did you mean …".
import { z } from "zod";
import { CATALOG_EVENT_NAMES, eventNamedLoosely, suggestEventName, type CatalogEventName } from "../catalog/names";
import { MAX_JSON_DEPTH, parseJson } from "../http/json";
import { parseEventEnvelope } from "./envelope";
import type { Interpretation } from "./interpretation";

export const FLOW_ACTION_HANDLE = "send-okendo-event-to-braze";

// Labels of the action's fields as the merchant sees them in the Flow editor (extensions/send-okendo-event).
const LABEL = {
  customer: "Customer",
  email: "Email",
  event: "Okendo event",
  properties: "Event properties (JSON)",
} as const;

export interface FlowActionRun {
  shopDomain: string;
  actionRunId: string;
  fields: Record<string, unknown>;
  customerId: unknown;
}

const FlowRequestSchema = z.object({
  shopify_domain: z.string({ error: "is required" }).min(1, { error: "is required" }),
  action_run_id: z
    .union([z.string(), z.number()], { error: "is required" })
    .transform(String)
    .pipe(z.string().trim().min(1, { error: "is required" })),
  handle: z.string().optional(),
  customer_id: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
});

export function readFlowActionRun(body: unknown): { ok: true; run: FlowActionRun } | { ok: false; problems: string[] } {
  const parsed = FlowRequestSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`),
    };
  }
  const { shopify_domain, action_run_id, handle, properties = {} } = parsed.data;
  if (handle !== undefined && handle !== FLOW_ACTION_HANDLE) {
    return { ok: false, problems: [`handle: this URL runs the "${FLOW_ACTION_HANDLE}" action, not "${handle}"`] };
  }
  return {
    ok: true,
    run: {
      shopDomain: shopify_domain,
      actionRunId: action_run_id,
      fields: properties,
      customerId: properties.customer_id ?? parsed.data.customer_id,
    },
  };
}

// The action's "Event properties (JSON)" field: a JSON object typed (or templated with Liquid) by the merchant.
function parsePropertiesField(
  value: unknown,
): { ok: true; properties: Record<string, unknown> } | { ok: false; problem: string } {
  if (value === undefined || value === null) return { ok: true, properties: {} };
  if (typeof value === "object" && !Array.isArray(value))
    return { ok: true, properties: value as Record<string, unknown> };
  if (typeof value !== "string")
    return { ok: false, problem: `${LABEL.properties}: must be a JSON object such as {"rating": 5}` };
  const text = value.trim();
  if (text === "") return { ok: true, properties: {} };
  const parsed = parseJson(text, MAX_JSON_DEPTH - 2); // the field sits two levels down in the request body
  if (!parsed.ok && parsed.problem === "depth") return { ok: false, problem: `${LABEL.properties}: ${parsed.message}` };
  if (!parsed.ok) {
    return {
      ok: false,
      problem: `${LABEL.properties}: is not valid JSON. Write a JSON object such as {"rating": 5, "product_name": "Serum"}.`,
    };
  }
  const json = parsed.value;
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const got = json === null ? "null" : Array.isArray(json) ? "an array" : `a ${typeof json}`;
    return { ok: false, problem: `${LABEL.properties}: must be a JSON object such as {"rating": 5}, not ${got}` };
  }
  return { ok: true, properties: json as Record<string, unknown> };
}

// The envelope's problems name envelope paths; the merchant fills in Flow fields, so say it in their words.
function inFlowTerms(problem: string): string {
  if (problem.startsWith("customer: ")) {
    return `${LABEL.customer}: choose the customer, or fill in ${LABEL.email} for a customer who is not in Shopify`;
  }
  if (problem.startsWith("customer.email: ")) return `${LABEL.email}: ${problem.slice("customer.email: ".length)}`;
  if (problem.startsWith("customer.shopifyCustomerId: ")) {
    return `${LABEL.customer}: Flow sent a customer reference that ${problem.slice("customer.shopifyCustomerId: ".length)}`;
  }
  if (problem.startsWith("event: ")) return `${LABEL.event}: ${problem.slice("event: ".length)}`;
  if (problem.startsWith("properties: ")) return `${LABEL.properties}: ${problem.slice("properties: ".length)}`;
  return problem;
}

// Flow's payload has no time of its own: the event happened when the workflow ran this step, i.e. now. A retry
// of the same run is deduplicated before it gets here, so the first receipt's time is the one kept.
// The event field, as people type it: any casing or spacing and the slugs name the same event. Not a catalog event:
// the problem in the merchant's words, with the nearest name when one is close.
function eventField(value: unknown): { name?: CatalogEventName; problem?: string } {
  if (typeof value !== "string" || value.trim() === "") return {}; // the envelope says what is missing
  const name = eventNamedLoosely(value);
  if (name) return { name };
  const suggestion = suggestEventName(value);
  const quoted = value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}…` : JSON.stringify(value);
  const hint = suggestion
    ? `did you mean ${JSON.stringify(suggestion)}?`
    : `use one of ${CATALOG_EVENT_NAMES.map((n) => JSON.stringify(n)).join(", ")}`;
  return { problem: `${LABEL.event}: ${quoted} is not one of Okendo's events (${hint})` };
}

export function interpretFlowRun(run: FlowActionRun, now: Date = new Date()): Interpretation {
  const properties = parsePropertiesField(run.fields.properties);
  const event = eventField(run.fields.event);
  const envelope = {
    event: event.name ?? (event.problem ? CATALOG_EVENT_NAMES[0] : run.fields.event),
    occurredAt: now.toISOString(),
    customer: { email: run.fields.email, shopifyCustomerId: run.customerId },
    properties: properties.ok ? properties.properties : {},
  };
  const parsed = parseEventEnvelope(envelope);
  const problems = [
    ...(event.problem ? [event.problem] : []),
    ...(properties.ok ? [] : [properties.problem]),
    ...(parsed.ok ? [] : parsed.problems.map(inFlowTerms)),
  ];
  if (problems.length > 0 || !parsed.ok) return { kind: "invalid", problems };
  return { kind: "mapped", messages: [parsed.event] };
}

// A stored run (the activity page's retry) read again with today's mapping, at the time it was received.
export function interpretStoredFlowRun(body: unknown, receivedAt: Date): Interpretation {
  const run = readFlowActionRun(body);
  return run.ok ? interpretFlowRun(run.run, receivedAt) : { kind: "invalid", problems: run.problems };
}
