import { describe, it, expect } from "vitest";
import { ATTRIBUTE_KEYS, npsCategory, profileAttributeKey } from "../../app/catalog/attributes";
import { CATALOG, catalogEntry, sampleEvent } from "../../app/catalog/events";
import {
  CATALOG_EVENT_NAMES,
  PRODUCT_GROUPS,
  eventNamedLoosely,
  isCatalogEventName,
  suggestEventName,
} from "../../app/catalog/names";
import { reviewTotalsAttributes } from "../../app/customers/review-totals";

// Written out again on purpose: the catalog must match Braze's partner page letter for letter.
const EXPECTED: Array<[string, string]> = [
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
];

describe("the catalog table", () => {
  it("holds the 15 exact event names, in order, with their product group", () => {
    expect(CATALOG.map((e) => [e.name, e.group])).toEqual(EXPECTED);
    expect([...CATALOG_EVENT_NAMES]).toEqual(EXPECTED.map(([name]) => name));
    expect([...PRODUCT_GROUPS]).toEqual(["Reviews", "Referrals", "Loyalty", "Surveys", "Quizzes"]);
  });

  it("gives every entry a kebab-case slug derived from its name, unique", () => {
    for (const entry of CATALOG) {
      expect(entry.slug).toBe(entry.name.toLowerCase().replace(/ /g, "-"));
      expect(entry.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(new Set(CATALOG.map((e) => e.slug)).size).toBe(15);
  });

  it("documents snake_case properties with a note, and a one-line description", () => {
    for (const entry of CATALOG) {
      expect(entry.description).toMatch(/^[A-Z].*\.$/);
      expect(entry.description).not.toContain("\n");
      expect(Object.keys(entry.properties).length).toBeGreaterThan(0);
      for (const [key, note] of Object.entries(entry.properties)) {
        expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(note.length).toBeGreaterThan(0);
      }
    }
  });

  it("has samples that use only documented properties and whose attributes follow the rules", () => {
    for (const entry of CATALOG) {
      for (const key of Object.keys(entry.sample.properties)) {
        expect(Object.keys(entry.properties), `${entry.name}: ${key}`).toContain(key);
      }
      expect(entry.sample.attributes).toEqual(entry.attributeEffects(entry.sample.properties));
      for (const key of Object.keys(entry.sample.attributes)) expect(key).toMatch(/^okendo_/);
    }
  });

  it("is frozen so no caller can change the shared table", () => {
    const entry = catalogEntry("Okendo Review Created");
    expect(Object.isFrozen(CATALOG)).toBe(true);
    expect(Object.isFrozen(entry)).toBe(true);
    expect(() => {
      (entry.sample.properties as Record<string, unknown>).rating = 1;
    }).toThrow(TypeError);
  });

  it("looks names up exactly (case-sensitive)", () => {
    for (const name of CATALOG_EVENT_NAMES) {
      expect(isCatalogEventName(name)).toBe(true);
      expect(catalogEntry(name).name).toBe(name);
    }
    expect(isCatalogEventName("Okendo review created")).toBe(false);
    expect(isCatalogEventName(" Okendo Review Created")).toBe(false);
    expect(isCatalogEventName(42)).toBe(false);
    expect(isCatalogEventName(undefined)).toBe(false);
    expect(() => catalogEntry("Nope" as never)).toThrow('Not a catalog event name: "Nope"');
  });

  it("builds a sample event that is a copy of the table", () => {
    const customer = { email: "jane.doe@example.com", shopifyCustomerId: "7001234567890" };
    const event = sampleEvent("Submitted Okendo Survey", customer, "2026-11-26T10:00:00.000Z");
    expect(event).toEqual({
      kind: "event",
      name: "Submitted Okendo Survey",
      occurredAt: "2026-11-26T10:00:00.000Z",
      customer,
      properties: catalogEntry("Submitted Okendo Survey").sample.properties,
      attributes: catalogEntry("Submitted Okendo Survey").sample.attributes,
    });
    event.properties.nps = 1; // a copy: allowed, and the table is untouched
    expect(catalogEntry("Submitted Okendo Survey").sample.properties.nps).toBe(9);
  });
});

describe("attribute effects", () => {
  const effects = (name: (typeof CATALOG_EVENT_NAMES)[number], properties: Record<string, unknown>) =>
    catalogEntry(name).attributeEffects(properties);

  it("review created sets the latest rating and sentiment and the profile answers", () => {
    expect(
      effects("Okendo Review Created", {
        rating: "4",
        overall_sentiment: "Mixed",
        profile_answers: [
          { question: "Skin Type", answer: "Oily" },
          { question: "Hair Color", answer: null },
          { question: "", answer: "x" },
          "junk",
        ],
      }),
    ).toEqual({ okendo_latest_review_rating: 4, okendo_latest_review_sentiment: "mixed", okendo_skin_type: "Oily" });
    expect(effects("Okendo Review Created", { rating: "five" })).toEqual({});
  });

  it("accepts profile answers as a {question: answer} object too", () => {
    expect(
      effects("Submitted Okendo Quiz", { profile_answers: { "Skin Type": "Dry", Concerns: ["Acne", "Redness"] } }),
    ).toEqual({
      okendo_skin_type: "Dry",
      okendo_concerns: ["Acne", "Redness"],
    });
  });

  it("review request implies no attributes", () => {
    expect(effects("Okendo Review Request", catalogEntry("Okendo Review Request").sample.properties)).toEqual({});
  });

  it("referral events set the referrer's totals, and the share link only for the referrer", () => {
    expect(
      effects("Received Okendo Referral Coupon", {
        customer_role: "referrer",
        number_of_successful_referrals: 3,
        total_referral_revenue: "262.30",
        referral_url: "https://www.example.com/?okendo_ref=J",
      }),
    ).toEqual({
      okendo_number_of_successful_referrals: 3,
      okendo_total_referral_revenue: 262.3,
      okendo_referral_shareable_link: "https://www.example.com/?okendo_ref=J",
    });
    expect(
      effects("Okendo Referral Invitation", { customer_role: "recipient", referral_url: "https://x.example" }),
    ).toEqual({});
  });

  it("loyalty events set balance, tier, status (lowercased) and enrolment date", () => {
    expect(
      effects("Enrolled in Okendo Loyalty", {
        status: "Pending",
        points_balance: 0,
        tier: "Bronze",
        enrolled_at: "2026-11-26T10:00:00.000Z",
      }),
    ).toEqual({
      okendo_loyalty_status: "pending",
      okendo_loyalty_points_balance: 0,
      okendo_loyalty_vip_tier: "Bronze",
      okendo_loyalty_enrollment_date: "2026-11-26T10:00:00.000Z",
    });
    expect(effects("Okendo Loyalty Points Awarded", { points: 250 })).toEqual({});
    expect(effects("Okendo Loyalty Tier Changed", { tier: "Gold", previous_tier: "Silver" })).toEqual({
      okendo_loyalty_vip_tier: "Gold",
    });
  });

  it("survey sets the latest NPS and its category only for a 0-10 integer", () => {
    expect(effects("Submitted Okendo Survey", { nps: 6 })).toEqual({
      okendo_latest_nps: 6,
      okendo_latest_nps_category: "detractor",
    });
    expect(effects("Submitted Okendo Survey", { nps: "8" })).toEqual({
      okendo_latest_nps: 8,
      okendo_latest_nps_category: "passive",
    });
    expect(effects("Submitted Okendo Survey", { nps: 11 })).toEqual({});
    expect(effects("Submitted Okendo Survey", { nps: 7.5 })).toEqual({});
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });

  it("every attribute key the catalog names carries the okendo_ prefix", () => {
    for (const key of Object.values(ATTRIBUTE_KEYS)) expect(key).toMatch(/^okendo_[a-z_]+$/);
  });
});

describe("profileAttributeKey", () => {
  it.each([
    ["Skin Type", "okendo_skin_type"],
    ["  Hair   Color ", "okendo_hair_color"],
    ["What's your hair colour?", "okendo_whats_your_hair_colour"],
    ["skinType", "okendo_skin_type"],
    ["Âge / Tranche", "okendo_age_tranche"],
    ["Birthday", "okendo_birthday"],
    ["肌タイプ", "okendo_肌タイプ"],
    ["???", "okendo_profile_answer"],
    ["", "okendo_profile_answer"],
  ])("%j → %s", (question, key) => {
    expect(profileAttributeKey(question)).toBe(key);
  });

  it("stays within Braze's 255-character key limit", () => {
    expect(profileAttributeKey("a".repeat(400))).toHaveLength(255);
  });
});

describe("names as people type them", () => {
  it("finds an event whatever its casing, spacing or hyphens, and by its slug", () => {
    for (const typed of [
      "okendo review created",
      " Okendo  Review Created ",
      "OKENDO_REVIEW_CREATED",
      "okendo-review-created",
    ]) {
      expect(eventNamedLoosely(typed), typed).toBe("Okendo Review Created");
    }
    expect(eventNamedLoosely("Okendo Reveiw Created")).toBeUndefined();
  });

  it("suggests the nearest name for a near miss, and nothing for what is no typo of one", () => {
    expect(suggestEventName("Okendo Reveiw Created")).toBe("Okendo Review Created");
    expect(suggestEventName("loyalty points awardd")).toBeUndefined();
    expect(suggestEventName("completely different")).toBeUndefined();
  });

  it("does not compare a name far longer than any event's (the edit distance grows with the sender's input)", () => {
    expect(suggestEventName("Okendo Review Created".repeat(50_000))).toBeUndefined();
  });
});

describe("review totals as attributes", () => {
  it("rounds the average to 2 decimals, counts the reviews and names the sentiment", () => {
    expect(reviewTotalsAttributes({ count: 3, ratingSum: 13, sentiment: "positive" })).toEqual({
      okendo_average_review_rating: 4.33,
      okendo_number_of_reviews: 3,
      okendo_average_review_sentiment: "positive",
    });
  });

  it("leaves out the sentiment until one was seen, and says nothing before the first rated review", () => {
    expect(reviewTotalsAttributes({ count: 1, ratingSum: 3, sentiment: null })).toEqual({
      okendo_average_review_rating: 3,
      okendo_number_of_reviews: 1,
    });
    expect(reviewTotalsAttributes({ count: 0, ratingSum: 0, sentiment: null })).toEqual({});
  });
});
