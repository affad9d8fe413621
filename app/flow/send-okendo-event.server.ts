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
// ingress, so a Flow run and an envelope POST produce identical Braze objects.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Shop } from "@prisma/client";
import { z } from "zod";
import { parseEventEnvelope } from "../okendo/envelope";
import { accept, type Accepted } from "../outbox/accept.server";

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

export type FlowRunResult = Accepted | { status: "invalid"; problems: string[] };

// authenticate.flow (shopify-app-remix 6.0.1) answers 400 for every request it refuses, a bad signature included.
// Shopify asks apps to refuse unsigned requests with 401, so the route checks the signature first with this.
export function isSignedByShopify(rawBody: string, hmacHeader: string | null, apiSecret: string): boolean {
  if (!hmacHeader || rawBody.length === 0) return false;
  const expected = createHmac("sha256", apiSecret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: `${LABEL.properties}: is not valid JSON (${(error as Error).message}). Write a JSON object such as {"rating": 5, "product_name": "Serum"}.`,
    };
  }
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
export function envelopeFromFlowRun(run: FlowActionRun, now: Date = new Date()) {
  const properties = parsePropertiesField(run.fields.properties);
  const envelope = {
    event: run.fields.event,
    occurredAt: now.toISOString(),
    customer: { email: run.fields.email, shopifyCustomerId: run.customerId },
    properties: properties.ok ? properties.properties : {},
  };
  const parsed = parseEventEnvelope(envelope);
  const problems = [
    ...(properties.ok ? [] : [properties.problem]),
    ...(parsed.ok ? [] : parsed.problems.map(inFlowTerms)),
  ];
  if (problems.length > 0 || !parsed.ok) return { ok: false as const, problems };
  return { ok: true as const, event: parsed.event };
}

export async function runSendOkendoEvent(shop: Shop, run: FlowActionRun, rawBody: string): Promise<FlowRunResult> {
  const inbound = { shop, source: "flow" as const, dedupeKey: run.actionRunId, rawBody };
  const built = envelopeFromFlowRun(run);
  if (!built.ok) return { status: "invalid", problems: built.problems };
  return accept(inbound, { kind: "mapped", messages: [built.event] });
}
