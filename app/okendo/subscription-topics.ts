// The Okendo webhook topics the app subscribes to: every resource type Okendo offers webhooks for
// (docs.okendo.io/webhooks), created and — where a change can mean a catalog event (a review edited, a loyalty
// tier or status changed) — updated. Each gets its own subscription and URL, so the URL names the topic even
// though Okendo's delivery body does not. Browser-safe: the settings screen shows the labels.

export const OKENDO_TOPICS = [
  { topic: "review.create", resourceType: "review", verb: "create", label: "Review created" },
  { topic: "review.update", resourceType: "review", verb: "update", label: "Review updated" },
  {
    topic: "loyalty_customer.create",
    resourceType: "loyalty_customer",
    verb: "create",
    label: "Loyalty member joined",
  },
  {
    topic: "loyalty_customer.update",
    resourceType: "loyalty_customer",
    verb: "update",
    label: "Loyalty member changed",
  },
  {
    topic: "loyalty_earning_transaction.create",
    resourceType: "loyalty_earning_transaction",
    verb: "create",
    label: "Loyalty points earned",
  },
  {
    topic: "loyalty_redemption_transaction.create",
    resourceType: "loyalty_redemption_transaction",
    verb: "create",
    label: "Loyalty points redeemed",
  },
  {
    topic: "loyalty_adjustment_transaction.create",
    resourceType: "loyalty_adjustment_transaction",
    verb: "create",
    label: "Loyalty points adjusted",
  },
] as const;

/** Okendo's resource types in a merchant's words. */
export const OKENDO_RESOURCE_LABELS: Record<string, string> = {
  review: "Reviews",
  loyalty_customer: "Loyalty members",
  loyalty_earning_transaction: "Loyalty points earned",
  loyalty_redemption_transaction: "Loyalty points redeemed",
  loyalty_adjustment_transaction: "Loyalty points adjusted",
};

export type OkendoTopic = (typeof OKENDO_TOPICS)[number]["topic"];
export type OkendoTopicInfo = (typeof OKENDO_TOPICS)[number];

export function okendoTopic(topic: string): OkendoTopicInfo | undefined {
  return OKENDO_TOPICS.find((t) => t.topic === topic);
}

/** The subscription's own ingress URL: the shop's Okendo URL plus the topic, e.g. …/webhooks/okendo/<id>/review.create */
export function topicWebhookUrl(appUrl: string, okendoWebhookId: string, topic: OkendoTopic): string {
  return new URL(`/webhooks/okendo/${okendoWebhookId}/${topic}`, appUrl).toString();
}
