// Okendo's native webhook deliveries (Advanced plans and above) → catalog messages.
//
// Public facts: the object is under `resource`, there is a `sequenceNumber`, and the resource types are review,
// loyalty_customer and three loyalty transaction types with create/update/delete topics. The published example
// (review.create on docs.okendo.io/webhooks/topics) carries NO topic, so the topic comes from, in order: the URL the
// subscription was created with (/webhooks/okendo/<id>/<resource type>.<action>), a topic-like field of the body when
// a sender adds one, and the resource's own shape (a `reviewId` is a review). Most field names of the loyalty objects
// are not public either, so this parser is tolerant: camelCase and snake_case, several plausible names, and it never
// throws on input. What it cannot map is reported as "unmapped" with a reason, so the ingress stores it.
import { z } from "zod";
import { ATTRIBUTE_KEYS, profileAttributeKey } from "../catalog/attributes";
import {
  asRecord,
  compact,
  toBoolean as bool,
  toIsoDate as isoDate,
  toNumber as num,
  toSnakeCase,
  toText as text,
  type Json,
} from "../catalog/coerce";
import { catalogEntry } from "../catalog/events";
import {
  normalizeEmail,
  normalizeShopifyCustomerId,
  type AttributeUpdate,
  type CatalogEvent,
  type CustomerRef,
} from "../catalog/messages";
import type { CatalogEventName } from "../catalog/names";
import type { Interpretation } from "./interpretation";

const NATIVE_RESOURCE_TYPES = [
  "review",
  "loyalty_customer",
  "loyalty_earning_transaction",
  "loyalty_redemption_transaction",
  "loyalty_adjustment_transaction",
] as const;
export type NativeResourceType = (typeof NATIVE_RESOURCE_TYPES)[number];
type Action = "create" | "update" | "delete";

// --- tolerant readers ---------------------------------------------------------------------------

// The snake_case form of each field name `pick` is given. The names are this module's constants, so the map stays
// small; converting them again on every webhook was about 6 % of the ingress's CPU (bench profile, issue 9).
const snakeNames = new Map<string, string>();
function snakeName(name: string): string {
  let snake = snakeNames.get(name);
  if (snake === undefined) snakeNames.set(name, (snake = toSnakeCase(name)));
  return snake;
}

// First present field among the names given, each also tried in snake_case.
function pick(object: Json | undefined, ...names: string[]): unknown {
  if (!object) return undefined;
  for (const name of names) {
    for (const key of [name, snakeName(name)]) {
      const value = object[key];
      if (value !== undefined && value !== null && value !== "") return value;
    }
  }
  return undefined;
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

function readTopic(raw: string): Topic {
  const words = raw.split(/[./:]/).map(toSnakeCase).filter(Boolean);
  return {
    action: words.map((w) => ACTIONS.get(w)).find((a) => a !== undefined),
    // A known resource type anywhere beats an unknown word (a namespace such as "okendo", a "webhook" type).
    resourceType: words.find((w) => RESOURCE_ALIASES.has(w)) ?? words.find((w) => !ACTIONS.has(w)),
  };
}

// The resource's own shape, when nothing names it: only the review object's fields are public; loyalty
// transactions are told apart by a kind field or their reward fields.
function resourceTypeByShape(resource: Json): NativeResourceType | undefined {
  if (pick(resource, "reviewId") !== undefined) return "review";
  const kind = text(pick(resource, "transactionType", "kind"))?.toLowerCase();
  if (kind === "earning" || kind === "redemption" || kind === "adjustment") return `loyalty_${kind}_transaction`;
  if (pick(resource, "transactionId", "loyaltyTransactionId") !== undefined) {
    if (pick(resource, "couponCode", "rewardName", "reward") !== undefined) return "loyalty_redemption_transaction";
    return undefined; // a transaction, but which one cannot be told
  }
  if (pick(resource, "loyaltyCustomerId", "vipTierName", "vipTier", "pointsBalance") !== undefined)
    return "loyalty_customer";
  return undefined;
}

// The topic from the subscription's URL when it has one, else from fields such as topic, type, resourceType and
// action ("review.create", "review/created", "loyaltyCustomer.update", "okendo.review.create", a lone "create"),
// else from the resource's shape (with no action: see interpretNative for what each type does without one).
function findTopic(body: Json, resource: Json, urlTopic: string | undefined): Topic {
  if (urlTopic) return readTopic(urlTopic);
  const words = TOPIC_FIELDS.flatMap((field) => text(pick(body, field)) ?? []).join(".");
  const topic = readTopic(words);
  if (!topic.resourceType || !RESOURCE_ALIASES.has(topic.resourceType)) {
    topic.resourceType = resourceTypeByShape(resource) ?? topic.resourceType;
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

// A member's create is their enrolment; an update (or a member delivery whose action is unknown) is an attribute
// update of their status, balance and tier. The tier observed is remembered by the enrich step, which turns an
// update whose tier differs from the remembered one into "Okendo Loyalty Tier Changed".
function mapLoyaltyCustomer(resource: Json, action: "create" | "update", occurredAt: string): Interpretation {
  const customer = loyaltyCustomer(resource);
  if (!identified(customer)) {
    return { kind: "unmapped", reason: `loyalty_customer.${action} has no customer email or Shopify customer ID` };
  }
  const member = loyaltyMember(resource);
  const properties = memberProperties(member);
  const observed = member.tier ? { observed: { loyaltyTier: member.tier } } : {};

  if (action === "create") {
    const event = catalogEvent("Enrolled in Okendo Loyalty", occurredAt, customer, properties, member.extraAttributes);
    return { kind: "mapped", messages: [{ ...event, ...observed }] };
  }
  const attributes = {
    ...catalogEntry("Enrolled in Okendo Loyalty").attributeEffects(properties),
    ...member.extraAttributes,
  };
  const update: AttributeUpdate = { kind: "attributes", occurredAt, customer, attributes, ...observed };
  return { kind: "mapped", messages: [update] };
}

const TRANSACTION_EVENTS: Record<Exclude<NativeResourceType, "review" | "loyalty_customer">, CatalogEventName> = {
  loyalty_earning_transaction: "Okendo Loyalty Points Awarded",
  loyalty_redemption_transaction: "Okendo Loyalty Points Redeemed",
  loyalty_adjustment_transaction: "Okendo Loyalty Points Adjusted",
};

type TransactionType = keyof typeof TRANSACTION_EVENTS;

function mapLoyaltyTransaction(resource: Json, resourceType: TransactionType, occurredAt: string): Interpretation {
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
    transaction_id: text(pick(resource, "transactionId", "loyaltyTransactionId", "id")),
    activity_id: text(pick(resource, "activityId", "earningRuleId", "rewardId")),
    reason: text(pick(resource, "reason", "description", "note", "notificationText", "internalReason")),
    transaction_status: text(pick(resource, "status"))?.toLowerCase(),
    points_balance: num(pick(resource, "pointsBalance", "balance", "balanceAfter", "newBalance")),
  });
  return { kind: "mapped", messages: [catalogEvent(name, occurredAt, customer, properties)] };
}

// --- public -------------------------------------------------------------------------------------

export function isNativeDelivery(body: unknown): boolean {
  return asRecord(asRecord(body)?.resource) !== undefined;
}

// `urlTopic`: the topic the delivery's URL names, e.g. "review.create" (undefined for the bare URL). `now` dates
// deliveries that carry no date of their own.
export function interpretNative(body: unknown, urlTopic?: string, now = new Date()): Interpretation {
  const delivery = asRecord(body);
  const resource = asRecord(delivery?.resource);
  if (!delivery || !resource) return { kind: "unmapped", reason: "unrecognised delivery: no resource" };

  const topic = findTopic(delivery, resource, urlTopic);
  if (!topic.resourceType) return { kind: "unmapped", reason: "unrecognised delivery: no topic or resource type" };
  const resourceType = RESOURCE_ALIASES.get(topic.resourceType);
  if (!resourceType) return { kind: "unmapped", reason: `unrecognised resource type "${topic.resourceType}"` };
  if (topic.action === "delete") return { kind: "unmapped", reason: `${resourceType}.delete is not forwarded` };
  const label = `${resourceType}.${topic.action ?? "(no action)"}`;
  const deliveredAt = isoDate(pick(delivery, "timestamp", "createdAt", "dateCreated", "occurredAt"));
  const fallbackTime = deliveredAt ?? now.toISOString();

  switch (resourceType) {
    case "review": {
      // Created or updated, the review is forwarded once, as "Okendo Review Created", the first time the shop sees
      // its reviewId (the enrich step remembers them): Okendo does not promise delivery order, and a merchant may set
      // up the bare URL, so an update can be the first we hear of a review.
      const occurredAt = isoDate(pick(resource, "dateCreated")) ?? fallbackTime;
      const mapped = mapReview(resource, occurredAt);
      return typeof mapped === "string" ? { kind: "unmapped", reason: mapped } : { kind: "mapped", messages: [mapped] };
    }
    case "loyalty_customer": {
      const action = topic.action ?? "update"; // an enrolment cannot be told from an update without its topic
      const occurredAt =
        (action === "create"
          ? isoDate(pick(resource, "dateEnrolled", "enrolledDate", "enrolledAt", "dateCreated"))
          : isoDate(pick(resource, "dateUpdated", "updatedAt"))) ?? fallbackTime;
      return mapLoyaltyCustomer(resource, action, occurredAt);
    }
    default: {
      // Transactions are only ever created.
      if (topic.action === "update") return { kind: "unmapped", reason: `${label} is not forwarded` };
      const occurredAt = isoDate(pick(resource, "dateCreated", "date", "createdAt", "transactionDate")) ?? fallbackTime;
      return mapLoyaltyTransaction(resource, resourceType, occurredAt);
    }
  }
}
