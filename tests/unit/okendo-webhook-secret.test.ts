// Okendo's "create a webhook subscription" answer "also contains the Webhook Secret", field name not published.
import { describe, expect, it } from "vitest";
import { findWebhookSecret } from "../../app/okendo/webhook-secret.server.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = "whsec_dGVzdC1va2VuZG8tc2lnbmluZy1zZWNyZXQ=";
// Okendo's published subscription object, as the create answer repeats it.
const subscription = {
  subscriberId: "123e4567-e89b-12d3-a456-426614174000",
  webhookSubscriptionId: "123e4567-e89b-12d3-a456-426614174000",
  endpointUrl: "https://example.com",
  version: "2025-02-01",
  subscriptions: [{ resourceType: "review", topic: "create" }],
  isEnabled: true,
  dateCreated: "2025-09-12T16:31:23.343Z",
  dateModified: "2025-09-12T16:31:23.343Z",
};

describe("findWebhookSecret", () => {
  it.each([
    [{ ...subscription, webhookSecret: SECRET }, "webhookSecret"],
    [{ ...subscription, secret: SECRET }, "secret"],
    [{ ...subscription, signing_secret: ` ${SECRET} ` }, "signing_secret"],
    [{ webhookSubscription: subscription, webhookSecret: SECRET }, "webhookSecret"],
    [{ ...subscription, credentials: { signing: { key: SECRET } } }, "credentials.signing.key"],
    [{ ...subscription, secrets: [SECRET] }, "secrets[0]"],
  ])("finds it in %j", (answer, path) => {
    expect(findWebhookSecret(answer)).toEqual({ ok: true, secret: SECRET, path });
  });

  it("says none is there when the answer has none, or only things that look like one", () => {
    expect(findWebhookSecret(subscription)).toEqual({ ok: false, reason: "none" });
    expect(findWebhookSecret({ ...subscription, secret: "whsec_" })).toEqual({ ok: false, reason: "none" });
    expect(findWebhookSecret({ ...subscription, secret: "whsec_not base64 at all!!" })).toEqual({
      ok: false,
      reason: "none",
    });
    expect(findWebhookSecret({ ...subscription, secret: "sk_live_0123456789abcdef0123" })).toEqual({
      ok: false,
      reason: "none",
    });
    expect(findWebhookSecret(null)).toEqual({ ok: false, reason: "none" });
    expect(findWebhookSecret("not json")).toEqual({ ok: false, reason: "none" });
  });

  it("prefers the one under a field named like a secret, and refuses to guess between two unnamed ones", () => {
    expect(findWebhookSecret({ ...subscription, webhookSecret: SECRET, example: OTHER })).toMatchObject({
      ok: true,
      secret: SECRET,
    });
    expect(findWebhookSecret({ ...subscription, a: SECRET, b: OTHER })).toEqual({ ok: false, reason: "ambiguous" });
    // The same secret twice is one secret.
    expect(findWebhookSecret({ secret: SECRET, data: { secret: SECRET } })).toMatchObject({ ok: true, secret: SECRET });
  });

  it("stops at a bounded depth and number of values", () => {
    let deep: unknown = { secret: SECRET };
    for (let i = 0; i < 10; i++) deep = { nested: deep };
    expect(findWebhookSecret(deep)).toEqual({ ok: false, reason: "none" });
    // Breadth first: a secret near the top is found whatever follows it; one behind 5,000 values is not looked for.
    expect(findWebhookSecret({ secret: SECRET, padding: Array.from({ length: 5_000 }, (_, i) => i) }).ok).toBe(true);
    const wide = { padding: Array.from({ length: 5_000 }, (_, i) => i), data: { secret: SECRET } };
    const started = performance.now();
    expect(findWebhookSecret(wide).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
