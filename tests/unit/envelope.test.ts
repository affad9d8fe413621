import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOG, catalogEntry } from "../../app/catalog/events";
import { suggestEventName } from "../../app/catalog/names";
import { isEventEnvelope, parseEventEnvelope } from "../../app/sources/envelope";
import { toBrazeObjects } from "../../app/braze/objects";

const FIXTURES = fileURLToPath(new URL("../fixtures/envelopes", import.meta.url));

interface EnvelopeFixture {
  envelope: Record<string, unknown>;
  brazeByCustomerId: unknown[] | null;
  brazeByEmail: unknown[];
}

const fixture = (slug: string): EnvelopeFixture => JSON.parse(readFileSync(join(FIXTURES, `${slug}.json`), "utf8"));

const valid = {
  event: "Okendo Review Created",
  occurredAt: "2026-11-26T10:00:00Z",
  customer: { email: "jane.doe@example.com" },
  properties: {},
};

function problems(body: unknown): string[] {
  const result = parseEventEnvelope(body);
  if (result.ok) throw new Error("expected problems, got a valid envelope");
  return result.problems;
}

describe("envelope fixtures and their golden Braze payloads", () => {
  it("exist for every catalog event, and only for them", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(CATALOG.map((e) => `${e.slug}.json`).sort());
  });

  it.each(CATALOG.map((e) => [e.slug, e.name]))("%s", (slug, name) => {
    const { envelope, brazeByCustomerId, brazeByEmail } = fixture(slug);
    expect(envelope.event).toBe(name);
    const result = parseEventEnvelope(envelope);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const { event } = result;
    expect(toBrazeObjects(event, { email: event.customer.email! })).toEqual({ objects: brazeByEmail, adjustments: [] });
    if (brazeByCustomerId === null) {
      expect(event.customer.shopifyCustomerId).toBeUndefined();
    } else {
      expect(toBrazeObjects(event, { external_id: event.customer.shopifyCustomerId! })).toEqual({
        objects: brazeByCustomerId,
        adjustments: [],
      });
    }
  });
});

describe("parseEventEnvelope", () => {
  it("returns the catalog event with normalized customer and time", () => {
    const result = parseEventEnvelope({
      event: "Okendo Loyalty Points Awarded",
      occurredAt: "2026-11-26T21:00:00+11:00",
      customer: {
        email: "  Jane.Doe@Example.COM ",
        shopifyCustomerId: "gid://shopify/Customer/7001234567890",
        firstName: " Jane ",
        lastName: "",
      },
      properties: { points: 250, points_balance: 350 },
    });
    expect(result).toEqual({
      ok: true,
      event: {
        kind: "event",
        name: "Okendo Loyalty Points Awarded",
        occurredAt: "2026-11-26T10:00:00.000Z",
        customer: { email: "jane.doe@example.com", shopifyCustomerId: "7001234567890", firstName: "Jane" },
        properties: { points: 250, points_balance: 350 },
        attributes: { okendo_loyalty_points_balance: 350 },
      },
    });
  });

  it.each([
    [7001234567890, "7001234567890"],
    ["7001234567890", "7001234567890"],
    [" 7001234567890 ", "7001234567890"],
    ["shopify-7001234567890", "7001234567890"],
    ["gid://shopify/Customer/7001234567890", "7001234567890"],
  ])("accepts shopifyCustomerId %j as %s", (id, digits) => {
    const result = parseEventEnvelope({ ...valid, customer: { shopifyCustomerId: id } });
    expect(result.ok && result.event.customer).toEqual({ shopifyCustomerId: digits });
  });

  it("treats a blank email or id as not given (templating tools fill unknowns with empty values)", () => {
    const result = parseEventEnvelope({
      ...valid,
      customer: { email: "jane.doe@example.com", shopifyCustomerId: "", firstName: null },
    });
    expect(result.ok && result.event.customer).toEqual({ email: "jane.doe@example.com" });
  });

  it("merges the catalog's attribute effects with the envelope's attributes, the envelope winning", () => {
    const result = parseEventEnvelope({
      ...valid,
      properties: { rating: 4, overall_sentiment: "positive" },
      attributes: { okendo_latest_review_rating: 5, okendo_vip: true, okendo_old: null },
    });
    expect(result.ok && result.event.attributes).toEqual({
      okendo_latest_review_rating: 5,
      okendo_latest_review_sentiment: "positive",
      okendo_vip: true,
      okendo_old: null,
    });
  });

  it("uses every catalog entry's attribute effects", () => {
    for (const entry of CATALOG) {
      const result = parseEventEnvelope({ ...valid, event: entry.name, properties: entry.sample.properties });
      expect(result.ok && result.event.attributes).toEqual(catalogEntry(entry.name).sample.attributes);
    }
  });

  describe("problems, each naming its JSON path", () => {
    const SHAPE = 'envelope: must be a JSON object with "event", "occurredAt", "customer" and "properties"';

    it.each([[null], [[]], ["text"], [42]])("refuses %j as a whole", (body) => {
      expect(problems(body)).toEqual([SHAPE]);
    });

    it("lists every missing field", () => {
      expect(problems({})).toEqual([
        'event: is required (the catalog event name, e.g. "Okendo Review Created")',
        "occurredAt: is required (an ISO 8601 date-time such as 2026-11-26T10:00:00Z)",
        "customer: is required (an object with an email or a shopifyCustomerId)",
        "properties: is required (an object; use {} when the event has none)",
      ]);
    });

    it("suggests the right spelling of a near-miss event name", () => {
      expect(problems({ ...valid, event: "Okendo review created" })).toEqual([
        'event: "Okendo review created" is not a catalog event name (names are case-sensitive; did you mean "Okendo Review Created"?)',
      ]);
      expect(problems({ ...valid, event: "Okendo Reveiw Created" })).toEqual([
        'event: "Okendo Reveiw Created" is not a catalog event name (names are case-sensitive; did you mean "Okendo Review Created"?)',
      ]);
      expect(problems({ ...valid, event: "opted in to okendo referral" })).toEqual([
        'event: "opted in to okendo referral" is not a catalog event name (names are case-sensitive; did you mean "Opted In to Okendo Referrals"?)',
      ]);
    });

    it("lists the names when nothing is close", () => {
      expect(problems({ ...valid, event: "Order Placed" })).toEqual([
        'event: "Order Placed" is not a catalog event name (names are case-sensitive; use one of "Okendo Review Created", "Okendo Review Request", "Sent Okendo Referral", "Opted In to Okendo Referrals", "Okendo Referral Invitation", "Received Okendo Referral Coupon", "Redeemed Okendo Referral Coupon", "Okendo Referral Rejected", "Enrolled in Okendo Loyalty", "Okendo Loyalty Points Awarded", "Okendo Loyalty Points Redeemed", "Okendo Loyalty Tier Changed", "Okendo Loyalty Points Adjusted", "Submitted Okendo Survey", "Submitted Okendo Quiz")',
      ]);
      expect(suggestEventName("")).toBeUndefined();
    });

    it("refuses a non-string event", () => {
      expect(problems({ ...valid, event: 5 })).toEqual([
        'event: must be a string (the catalog event name, e.g. "Okendo Review Created")',
      ]);
    });

    it.each([["26/11/2026"], ["2026-11-26"], ["2026-11-26T10:00:00"], ["2026-02-30T10:00:00Z"], [1764151200]])(
      "refuses occurredAt %j",
      (occurredAt) => {
        expect(problems({ ...valid, occurredAt })).toEqual([
          "occurredAt: must be an ISO 8601 date-time such as 2026-11-26T10:00:00Z",
        ]);
      },
    );

    it("checks the customer", () => {
      expect(problems({ ...valid, customer: { email: "not-an-email" } })).toEqual([
        "customer.email: must be an email address",
      ]);
      expect(problems({ ...valid, customer: { email: 12 } })).toEqual(["customer.email: must be an email address"]);
      expect(problems({ ...valid, customer: {} })).toEqual(["customer: needs an email or a shopifyCustomerId"]);
      expect(problems({ ...valid, customer: { email: " ", shopifyCustomerId: null } })).toEqual([
        "customer: needs an email or a shopifyCustomerId",
      ]);
      expect(problems({ ...valid, customer: "jane.doe@example.com" })).toEqual([
        "customer: must be an object with an email or a shopifyCustomerId",
      ]);
      expect(problems({ ...valid, customer: { firstName: 3, email: "jane.doe@example.com" } })).toEqual([
        "customer.firstName: must be a string",
      ]);
      expect(problems({ ...valid, customer: { email: "jane.doe@example.com", phone: "+61400000000" } })).toEqual([
        'customer: unexpected key "phone"',
      ]);
    });

    it.each([["abc"], ["gid://shopify/Order/1"], [-5], [1.5], [2 ** 60], [true], ["0"]])(
      "refuses shopifyCustomerId %j",
      (id) => {
        expect(problems({ ...valid, customer: { shopifyCustomerId: id } })).toEqual([
          "customer.shopifyCustomerId: must be a Shopify customer ID such as 7001234567890 (a number, a string of digits or gid://shopify/Customer/7001234567890)",
        ]);
      },
    );

    it("requires properties to be an object", () => {
      expect(problems({ ...valid, properties: [] })).toEqual(["properties: must be an object"]);
      expect(problems({ ...valid, properties: "rating=5" })).toEqual(["properties: must be an object"]);
      expect(problems({ ...valid, properties: null })).toEqual(["properties: must be an object"]);
    });

    it("refuses unknown top-level keys", () => {
      expect(problems({ ...valid, foo: 1, Event: "x" })).toEqual(['unexpected key "foo"', 'unexpected key "Event"']);
    });

    it("refuses attribute names that belong to Braze's Shopify app or identify the user", () => {
      expect(
        problems({
          ...valid,
          attributes: {
            shopify_tags: "vip",
            "ecommerce.cart_value": 1,
            Shopify_Total: 2,
            external_id: "1",
            email: "x",
            "": 1,
            okendo_fine: 1,
          },
        }),
      ).toEqual([
        'attributes.shopify_tags: "shopify_" names belong to Braze\'s own Shopify app; use a name of your own such as "okendo_tags"',
        'attributes["ecommerce.cart_value"]: "ecommerce." names belong to Braze\'s own Shopify app; use a name of your own such as "okendo_cart_value"',
        'attributes.Shopify_Total: "shopify_" names belong to Braze\'s own Shopify app; use a name of your own such as "okendo_Total"',
        'attributes.external_id: "external_id" identifies the user in Braze and cannot be sent as an attribute',
        "attributes.email: identifies the user in Braze; send the address as customer.email",
        'attributes[""]: attribute names must not be empty',
      ]);
      expect(problems({ ...valid, attributes: ["okendo_x"] })).toEqual(["attributes: must be an object"]);
    });

    it("reports every problem at once", () => {
      expect(
        problems({
          event: "Okendo review created",
          occurredAt: "yesterday",
          customer: { email: "x" },
          properties: [],
          extra: true,
        }),
      ).toEqual([
        'event: "Okendo review created" is not a catalog event name (names are case-sensitive; did you mean "Okendo Review Created"?)',
        "occurredAt: must be an ISO 8601 date-time such as 2026-11-26T10:00:00Z",
        "customer.email: must be an email address",
        "properties: must be an object",
        'unexpected key "extra"',
      ]);
    });
  });
});

describe("isEventEnvelope", () => {
  it("tells the envelope from a native delivery", () => {
    expect(isEventEnvelope(valid)).toBe(true);
    expect(isEventEnvelope({ event: "review.create", resource: {} })).toBe(false);
    expect(isEventEnvelope({ topic: "review.create", sequenceNumber: 1, resource: {} })).toBe(false);
    expect(isEventEnvelope({ event: 1 })).toBe(false);
    expect(isEventEnvelope(null)).toBe(false);
    expect(isEventEnvelope([{ event: "x" }])).toBe(false);
    expect(isEventEnvelope("event")).toBe(false);
  });
});
