// Okendo's native webhook deliveries (Advanced plans and above) → normalized messages.
//
// Public facts: the object is under `resource`, there is a `sequenceNumber`, topics look like
// `review.create`, and the resource types are review, loyalty_customer and three loyalty
// transaction types. The rest of the delivery envelope and most field names of the loyalty objects
// are NOT public, so this parser is tolerant: it looks for the topic in every plausible place,
// accepts camelCase and snake_case field names, and never throws on input. What it cannot map is
// reported as "unmapped" with a reason, so the ingress stores it instead of dropping it.
import { z } from "zod";
import { ATTRIBUTE_KEYS, catalogEntry, profileAttributeKey, toSnakeCase } from "../catalog/catalog";
import type { CatalogEventName } from "../catalog/catalog";
import {
  normalizeEmail,
  normalizeShopifyCustomerId,
  type AttributeUpdate,
  type CatalogEvent,
  type CustomerRef,
  type NormalizedMessage,
} from "../catalog/types";

export interface NativeContext {
  // The tier this app last saw for the customer, to tell a tier change from a balance update.
  previousLoyaltyTier(customer: CustomerRef): Promise<string | undefined>;
  // Clock for deliveries that carry no date of their own; defaults to the current time.
  now?: () => Date;
}

export type NativeResult =
  | { kind: "mapped"; messages: NormalizedMessage[]; loyaltyTier?: { customer: CustomerRef; tier: string } }
  | { kind: "unmapped"; reason: string };

type Json = Record<string, unknown>;

export const NATIVE_RESOURCE_TYPES = [
  "review",
  "loyalty_customer",
  "loyalty_earning_transaction",
  "loyalty_redemption_transaction",
  "loyalty_adjustment_transaction",
] as const;
export type NativeResourceType = (typeof NATIVE_RESOURCE_TYPES)[number];
type Action = "create" | "update" | "delete";

// --- tolerant readers ---------------------------------------------------------------------------

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

// First present field among the names given, each also tried in snake_case.
function pick(object: Json | undefined, ...names: string[]): unknown {
  if (!object) return undefined;
  for (const name of names) {
    for (const key of [name, toSnakeCase(name)]) {
      const value = object[key];
      if (value !== undefined && value !== null && value !== "") return value;
    }
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function num(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

// ISO strings and epoch numbers (seconds or milliseconds) → ISO 8601 UTC.
function isoDate(value: unknown): string | undefined {
  let date: Date | undefined;
  if (typeof value === "string" && value.trim() !== "") date = new Date(value.trim());
  else if (typeof value === "number" && Number.isFinite(value)) date = new Date(value < 1e12 ? value * 1000 : value);
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

// Okendo prefixes Shopify IDs ("shopify-123"); a Braze Liquid user wants the bare Shopify ID.
function shopifyId(value: unknown): string | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  return /^shopify-\d+$/i.test(raw) ? raw.slice("shopify-".length) : raw;
}

const EmailSchema = z.email();
function email(value: unknown): string | undefined {
  const raw = text(value);
  if (!raw) return undefined;
  const normalized = normalizeEmail(raw);
  // A malformed address would become a bad Braze identifier; better to identify by ID or not at all.
  return EmailSchema.safeParse(normalized).success ? normalized : undefined;
}

function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

// A tier may be a name or an object {name, ...}.
function tierName(value: unknown): string | undefined {
  return text(value) ?? text(pick(asRecord(value), "name", "title", "tierName"));
}

// --- topic --------------------------------------------------------------------------------------

// Maps, not object literals: these are looked up with words from untrusted input ("constructor"…).
const ACTIONS = new Map<string, Action>([
  ["create", "create"],
  ["created", "create"],
  ["update", "update"],
  ["updated", "update"],
  ["delete", "delete"],
  ["deleted", "delete"],
  ["destroy", "delete"],
  ["destroyed", "delete"],
]);

const RESOURCE_ALIASES = new Map<string, NativeResourceType>([
  ...NATIVE_RESOURCE_TYPES.map((type) => [type, type] as const),
  ["reviews", "review"],
  ["loyalty_customers", "loyalty_customer"],
  ["loyalty_member", "loyalty_customer"],
]);

// Where a delivery may name its resource type and action (the envelope is not public).
const TOPIC_FIELDS = [
  "resourceType",
  "resourceName",
  "objectType",
  "topic",
  "eventType",
  "type",
  "event",
  "eventName",
  "webhookTopic",
  "action",
  "operation",
  "eventAction",
  "verb",
];

interface Topic {
  resourceType?: string; // snake_case; may be a type we do not know (reported as such)
  action?: Action;
}

// Reads "review.create", "review/created", "loyaltyCustomer.update", "okendo.review.create", or a
// lone "create" / "review" from fields such as topic, type, resourceType and action.
function findTopic(body: Json, resource: Json): Topic {
  const words: string[] = [];
  for (const field of TOPIC_FIELDS) {
    const raw = text(pick(body, field));
    if (raw) words.push(...raw.split(/[./:]/).map(toSnakeCase).filter(Boolean));
  }
  const topic: Topic = {};
  topic.action = words.map((w) => ACTIONS.get(w)).find((a) => a !== undefined);
  // A known resource type anywhere beats an unknown word (a namespace such as "okendo", a "webhook" type).
  topic.resourceType = words.find((w) => RESOURCE_ALIASES.has(w)) ?? words.find((w) => !ACTIONS.has(w));

  // Last resort: recognise the object itself (only the review object's fields are public).
  if (!topic.resourceType || !RESOURCE_ALIASES.has(topic.resourceType)) {
    const kind = text(pick(resource, "transactionType"))?.toLowerCase();
    if (pick(resource, "reviewId") !== undefined) topic.resourceType = "review";
    else if (kind === "earning" || kind === "redemption" || kind === "adjustment") {
      topic.resourceType = `loyalty_${kind}_transaction`;
    }
  }
  return topic;
}

// --- customer -----------------------------------------------------------------------------------

function customerRef(...sources: Array<Json | undefined>): CustomerRef {
  const ref: CustomerRef = {};
  for (const source of sources) {
    ref.email ??= email(pick(source, "email", "customerEmail"));
    // Raw value on purpose: a number beyond 2^53 has lost digits and must be refused, not stringified.
    ref.shopifyCustomerId ??= normalizeShopifyCustomerId(
      pick(source, "shopifyCustomerId", "customerId", "platformCustomerId"),
    );
    ref.firstName ??= text(pick(source, "firstName"));
    ref.lastName ??= text(pick(source, "lastName"));
  }
  return compact(ref as Json) as CustomerRef;
}

const identified = (c: CustomerRef) => Boolean(c.email || c.shopifyCustomerId);

// --- review -------------------------------------------------------------------------------------

function titledValues(value: unknown): Array<{ title: string; value: unknown }> {
  if (!Array.isArray(value)) return [];
  const out: Array<{ title: string; value: unknown }> = [];
  for (const item of value) {
    const entry = asRecord(item);
    const title = text(pick(entry, "title", "name", "question"));
    const answer = pick(entry, "value", "values", "answer");
    if (title && answer !== undefined) out.push({ title, value: answer });
  }
  return out;
}

function reviewMedia(value: unknown): { photos: string[]; videos: number } {
  const photos: string[] = [];
  let videos = 0;
  for (const item of Array.isArray(value) ? value : []) {
    const media = asRecord(item);
    if (!media) continue;
    if (text(pick(media, "type"))?.toLowerCase().includes("video")) {
      videos += 1;
      continue;
    }
    const url = text(pick(media, "fullSizeUrl", "largeUrl", "url", "thumbnailUrl"));
    if (url) photos.push(url);
  }
  return { photos, videos };
}

function mapReview(resource: Json, occurredAt: string): CatalogEvent | string {
  const reviewer = asRecord(resource.reviewer);
  const customer = customerRef(reviewer, resource, asRecord(resource.customer));
  if (!identified(customer)) return "review.create has no reviewer email or Shopify customer ID";

  const order = asRecord(resource.order);
  const media = reviewMedia(resource.media);
  const sentiment =
    text(pick(resource, "sentiment", "overallSentiment")) ?? text(pick(asRecord(resource.sentiment), "overall"));
  const reviewAttributes = Object.fromEntries(
    [...titledValues(resource.attributesWithRating), ...titledValues(resource.productAttributes)].map(
      ({ title, value }) => [toSnakeCase(title) || title, value],
    ),
  );
  const profileAnswers = titledValues(reviewer?.attributes).map(({ title, value }) => ({
    question: title,
    answer: value,
  }));

  const properties = compact({
    review_id: text(pick(resource, "reviewId", "id")),
    rating: num(pick(resource, "rating")),
    title: text(pick(resource, "title")),
    body: text(pick(resource, "body")),
    is_recommended: bool(pick(resource, "isRecommended")),
    product_id: shopifyId(pick(resource, "productId")),
    product_name: text(pick(resource, "productName")),
    product_url: text(pick(resource, "productUrl")),
    product_image_url: text(pick(resource, "productImageUrl")),
    photo_count: media.photos.length,
    photo_urls: media.photos,
    video_count: media.videos,
    overall_sentiment: sentiment?.toLowerCase(),
    language_code: text(pick(resource, "languageCode", "language", "locale")),
    order_id: shopifyId(pick(order, "orderId")),
    order_number: text(pick(order, "orderNumber", "name")),
    verified_status: text(pick(reviewer, "verifiedStatus")),
    country_code: text(pick(asRecord(asRecord(asRecord(reviewer?.location)?.country)), "code")),
    review_attributes: Object.keys(reviewAttributes).length > 0 ? reviewAttributes : undefined,
    profile_answers: profileAnswers.length > 0 ? profileAnswers : undefined,
  });
  return catalogEvent("Okendo Review Created", occurredAt, customer, properties);
}

// The catalog decides which attributes an event implies; `extra` adds facts only the source has.
function catalogEvent(
  name: CatalogEventName,
  occurredAt: string,
  customer: CustomerRef,
  properties: Json,
  extra: Json = {},
): CatalogEvent {
  return {
    kind: "event",
    name,
    occurredAt,
    customer,
    properties,
    attributes: { ...catalogEntry(name).attributeEffects(properties), ...extra },
  };
}

// --- loyalty ------------------------------------------------------------------------------------

function loyaltyCustomer(resource: Json): CustomerRef {
  return customerRef(resource, asRecord(resource.customer));
}

interface LoyaltyMember {
  status?: string;
  pointsBalance?: number;
  tier?: string;
  enrolledAt?: string;
  extraAttributes: Json; // member facts no catalog event property carries
}

function loyaltyMember(resource: Json): LoyaltyMember {
  const birthday = text(pick(resource, "birthday", "dateOfBirth"));
  return {
    status: text(pick(resource, "status", "memberStatus", "loyaltyStatus"))?.toLowerCase(),
    pointsBalance: num(pick(resource, "pointsBalance", "balance", "points")),
    tier: tierName(pick(resource, "vipTier", "tier", "currentTier", "tierName")),
    enrolledAt: isoDate(pick(resource, "dateEnrolled", "enrolledDate", "enrolledAt", "dateCreated")),
    extraAttributes: compact({
      [ATTRIBUTE_KEYS.loyaltyVipTierExpiryDate]: isoDate(
        pick(resource, "tierExpiryDate", "vipTierExpiryDate", "tierExpiresAt"),
      ),
      [ATTRIBUTE_KEYS.loyaltyPointsExpiryDate]: isoDate(
        pick(resource, "pointsExpiryDate", "pointsExpireAt", "pointsExpiry"),
      ),
      // Okendo sends birthday as a profile answer; same key as a "Birthday" profile question.
      [profileAttributeKey("Birthday")]: birthday,
    }),
  };
}

function memberProperties(member: LoyaltyMember): Json {
  return compact({
    status: member.status,
    points_balance: member.pointsBalance,
    tier: member.tier,
    enrolled_at: member.enrolledAt,
  });
}

async function mapLoyaltyCustomer(
  resource: Json,
  action: "create" | "update",
  occurredAt: string,
  context: NativeContext,
): Promise<NativeResult> {
  const customer = loyaltyCustomer(resource);
  if (!identified(customer)) {
    return { kind: "unmapped", reason: `loyalty_customer.${action} has no customer email or Shopify customer ID` };
  }
  const member = loyaltyMember(resource);
  const properties = memberProperties(member);
  const remember = member.tier ? { loyaltyTier: { customer, tier: member.tier } } : {};

  if (action === "create") {
    const event = catalogEvent("Enrolled in Okendo Loyalty", occurredAt, customer, properties, member.extraAttributes);
    return { kind: "mapped", messages: [event], ...remember };
  }

  const attributes = {
    ...catalogEntry("Enrolled in Okendo Loyalty").attributeEffects(properties),
    ...member.extraAttributes,
  };
  if (member.tier) {
    // Only a tier we have seen before can have "changed": the first sight of a member is not a change.
    const previous = await context.previousLoyaltyTier(customer);
    if (previous !== undefined && previous !== member.tier) {
      // One message, not an attribute update plus an event: the event carries the member's
      // attributes, which saves Braze a second attribute object for the same profile.
      const change = { tier: member.tier, previous_tier: previous };
      const changed = catalogEvent("Okendo Loyalty Tier Changed", occurredAt, customer, change, attributes);
      return { kind: "mapped", messages: [changed], ...remember };
    }
  }
  const update: AttributeUpdate = { kind: "attributes", occurredAt, customer, attributes };
  return { kind: "mapped", messages: [update], ...remember };
}

const TRANSACTION_EVENTS: Record<Exclude<NativeResourceType, "review" | "loyalty_customer">, CatalogEventName> = {
  loyalty_earning_transaction: "Okendo Loyalty Points Awarded",
  loyalty_redemption_transaction: "Okendo Loyalty Points Redeemed",
  loyalty_adjustment_transaction: "Okendo Loyalty Points Adjusted",
};

type TransactionType = keyof typeof TRANSACTION_EVENTS;

function mapLoyaltyTransaction(resource: Json, resourceType: TransactionType, occurredAt: string): NativeResult {
  const name = TRANSACTION_EVENTS[resourceType];
  const customer = loyaltyCustomer(resource);
  if (!identified(customer)) {
    return { kind: "unmapped", reason: `${resourceType}.create has no customer email or Shopify customer ID` };
  }
  const points = num(pick(resource, "points", "pointsAmount", "amount", "pointsChange"));
  const redemption = resourceType === "loyalty_redemption_transaction";
  const properties = compact({
    // Awarded and redeemed are amounts ("spent 200 points"); an adjustment keeps its sign.
    points: points !== undefined && resourceType !== "loyalty_adjustment_transaction" ? Math.abs(points) : points,
    reward_name: redemption ? (text(pick(resource, "rewardName")) ?? tierName(pick(resource, "reward"))) : undefined,
    coupon_code: redemption ? text(pick(resource, "couponCode", "discountCode", "code")) : undefined,
    transaction_id: text(pick(resource, "transactionId", "id")),
    activity_id: text(pick(resource, "activityId", "earningRuleId", "rewardId")),
    reason: text(pick(resource, "reason", "description", "note")),
    transaction_status: text(pick(resource, "status"))?.toLowerCase(),
    points_balance: num(pick(resource, "pointsBalance", "balance", "balanceAfter", "newBalance")),
  });
  return { kind: "mapped", messages: [catalogEvent(name, occurredAt, customer, properties)] };
}

// --- public -------------------------------------------------------------------------------------

export function isNativeDelivery(body: unknown): boolean {
  return asRecord(asRecord(body)?.resource) !== undefined;
}

export async function normalizeNativeDelivery(body: unknown, context: NativeContext): Promise<NativeResult> {
  const delivery = asRecord(body);
  const resource = asRecord(delivery?.resource);
  if (!delivery || !resource) return { kind: "unmapped", reason: "unrecognised delivery: no resource" };

  const topic = findTopic(delivery, resource);
  if (!topic.resourceType) return { kind: "unmapped", reason: "unrecognised delivery: no topic or resource type" };
  const resourceType = RESOURCE_ALIASES.get(topic.resourceType);
  if (!resourceType) return { kind: "unmapped", reason: `unrecognised resource type "${topic.resourceType}"` };
  if (!topic.action) {
    // Guessing "create" could forward an edit as a second "review created": store it instead.
    return {
      kind: "unmapped",
      reason: `${resourceType} delivery without a create/update/delete topic is not forwarded`,
    };
  }
  const label = `${resourceType}.${topic.action}`;

  const now = () => (context.now ? context.now() : new Date()).toISOString();
  const deliveredAt = isoDate(pick(delivery, "timestamp", "createdAt", "dateCreated", "occurredAt"));

  switch (resourceType) {
    case "review": {
      if (topic.action !== "create") return { kind: "unmapped", reason: `${label} is not forwarded` };
      const occurredAt = isoDate(pick(resource, "dateCreated")) ?? deliveredAt ?? now();
      const mapped = mapReview(resource, occurredAt);
      return typeof mapped === "string" ? { kind: "unmapped", reason: mapped } : { kind: "mapped", messages: [mapped] };
    }
    case "loyalty_customer": {
      if (topic.action === "delete") return { kind: "unmapped", reason: `${label} is not forwarded` };
      const occurredAt =
        (topic.action === "create"
          ? isoDate(pick(resource, "dateEnrolled", "enrolledDate", "enrolledAt", "dateCreated"))
          : isoDate(pick(resource, "dateUpdated", "updatedAt"))) ??
        deliveredAt ??
        now();
      return mapLoyaltyCustomer(resource, topic.action, occurredAt, context);
    }
    default: {
      if (topic.action !== "create") return { kind: "unmapped", reason: `${label} is not forwarded` };
      const occurredAt =
        isoDate(pick(resource, "dateCreated", "date", "createdAt", "transactionDate")) ?? deliveredAt ?? now();
      return mapLoyaltyTransaction(resource, resourceType, occurredAt);
    }
  }
}
