import { describe, it, expect } from "vitest";
import {
  BRAZE_MAX_EXTERNAL_ID_BYTES,
  BRAZE_MAX_KEY_LENGTH,
  BRAZE_MAX_OBJECTS_PER_REQUEST,
  BRAZE_MAX_PROPERTIES_BYTES,
  BRAZE_MAX_STRING_VALUE_LENGTH,
  BRAZE_RESERVED_PROPERTY_KEYS,
  externalIdFits,
  sanitizeAttributes,
  sanitizeProperties,
  utf8Length,
} from "../../app/braze/limits";

describe("limits", () => {
  it("are Braze's documented numbers", () => {
    expect(BRAZE_MAX_KEY_LENGTH).toBe(255);
    expect(BRAZE_MAX_STRING_VALUE_LENGTH).toBe(255);
    expect(BRAZE_MAX_PROPERTIES_BYTES).toBe(51_200);
    expect(BRAZE_MAX_EXTERNAL_ID_BYTES).toBe(987);
    expect(BRAZE_MAX_OBJECTS_PER_REQUEST).toBe(75);
    expect([...BRAZE_RESERVED_PROPERTY_KEYS]).toEqual(["time", "event_name"]);
  });
});

describe("sanitizeProperties", () => {
  it("leaves clean properties alone", () => {
    const props = { rating: 5, title: "Great", is_recommended: true, photo_urls: ["a", "b"], nested: { a: null } };
    expect(sanitizeProperties(props)).toEqual({ properties: props, adjustments: [] });
  });

  it("strips a leading $, renames reserved keys, drops empty keys and undefined values", () => {
    expect(
      sanitizeProperties({ $price: 10, time: "yesterday", event_name: "x", $: 1, "": 2, gone: undefined, kept: null }),
    ).toEqual({
      properties: { price: 10, okendo_time: "yesterday", okendo_event_name: "x", kept: null },
      adjustments: [
        'properties["$price"]: renamed to "price" (Braze keys cannot start with "$")',
        'properties.time: renamed to "okendo_time" ("time" is reserved by Braze)',
        'properties.event_name: renamed to "okendo_event_name" ("event_name" is reserved by Braze)',
        'properties["$"]: dropped (Braze keys cannot be empty)',
        'properties[""]: dropped (Braze keys cannot be empty)',
      ],
    });
  });

  it("keeps the first value when cleaning makes two keys the same", () => {
    expect(sanitizeProperties({ price: 1, $price: 2 })).toEqual({
      properties: { price: 1 },
      adjustments: [
        'properties["$price"]: renamed to "price" (Braze keys cannot start with "$")',
        'properties["$price"]: dropped ("price" is already set; the first value is kept)',
      ],
    });
  });

  it("cuts long keys and long strings to 255 characters, nested ones too", () => {
    const long = "x".repeat(300);
    const result = sanitizeProperties({ [long]: 1, body: "b".repeat(1204), answers: [{ answer: "a".repeat(256) }] });
    expect(Object.keys(result.properties)).toEqual(["x".repeat(255), "body", "answers"]);
    expect(result.properties.body).toBe("b".repeat(255));
    expect(result.properties.answers).toEqual([{ answer: "a".repeat(255) }]);
    expect(result.adjustments).toEqual([
      `properties.${long}: key cut to 255 characters (Braze's limit for a key)`,
      "properties.body: cut from 1204 to 255 characters (Braze's limit for a text value)",
      "properties.answers[0].answer: cut from 256 to 255 characters (Braze's limit for a text value)",
    ]);
  });

  it("never cuts an emoji in half", () => {
    const text = "a".repeat(254) + "😀" + "b";
    const { properties } = sanitizeProperties({ text });
    expect(properties.text).toBe("a".repeat(254));
  });

  it("strips $ from nested keys but only renames reserved keys at the top", () => {
    expect(sanitizeProperties({ review_attributes: { $fit: "true", time: "morning" } })).toEqual({
      properties: { review_attributes: { fit: "true", time: "morning" } },
      adjustments: ['properties.review_attributes["$fit"]: renamed to "fit" (Braze keys cannot start with "$")'],
    });
  });

  it("turns dates into ISO strings and drops what JSON cannot carry", () => {
    const result = sanitizeProperties({
      at: new Date("2026-11-26T10:00:00Z"),
      bad: Number.NaN,
      inf: Infinity,
      fn: () => 1,
      list: [1, undefined, 2],
    });
    expect(result.properties).toEqual({ at: "2026-11-26T10:00:00.000Z", list: [1, 2] });
    expect(result.adjustments).toEqual([
      "properties.bad: dropped (NaN is not a number Braze accepts)",
      "properties.inf: dropped (Infinity is not a number Braze accepts)",
      "properties.fn: dropped (a function cannot be sent as JSON)",
    ]);
  });

  it("drops the largest nested values until the properties fit in 50 KB", () => {
    const urls = Array.from(
      { length: 300 },
      (_, i) => `https://www.example.com/reviews/photo-${i}-${"p".repeat(150)}.jpg`,
    );
    const answers = Array.from({ length: 100 }, (_, i) => ({ question: `Question ${i}`, answer: "a".repeat(200) }));
    const result = sanitizeProperties({ rating: 5, photo_urls: urls, answers, title: "Great" });
    expect(result.properties).toEqual({ rating: 5, answers, title: "Great" });
    expect(utf8Length(JSON.stringify(result.properties))).toBeLessThanOrEqual(BRAZE_MAX_PROPERTIES_BYTES);
    expect(result.adjustments).toEqual([
      `properties.photo_urls: dropped (${JSON.stringify(urls).length} bytes) to keep the event properties under Braze's 50 KB limit`,
    ]);
  });

  it("drops flat values too when there is nothing nested left to drop", () => {
    const props = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [`field_${String(i).padStart(3, "0")}`, "v".repeat(250)]),
    );
    const result = sanitizeProperties(props);
    expect(utf8Length(JSON.stringify(result.properties))).toBeLessThanOrEqual(BRAZE_MAX_PROPERTIES_BYTES);
    expect(Object.keys(result.properties).length).toBeGreaterThan(190);
    expect(result.adjustments.every((a) => a.includes("to keep the event properties under Braze's 50 KB limit"))).toBe(
      true,
    );
  });

  it("does not change its input", () => {
    const props = { $a: "x".repeat(300), nested: { $b: 1 } };
    const copy = structuredClone(props);
    sanitizeProperties(props);
    expect(props).toEqual(copy);
  });
});

describe("sanitizeAttributes", () => {
  it("keeps null (it removes the attribute in Braze) and drops undefined", () => {
    expect(sanitizeAttributes({ okendo_loyalty_vip_tier: null, okendo_x: undefined })).toEqual({
      attributes: { okendo_loyalty_vip_tier: null },
      adjustments: [],
    });
  });

  it("applies the key and string value rules", () => {
    expect(
      sanitizeAttributes({ $okendo_tier: "Gold", okendo_bio: "b".repeat(300), okendo_tags: ["t".repeat(256)], "": 1 }),
    ).toEqual({
      attributes: { okendo_tier: "Gold", okendo_bio: "b".repeat(255), okendo_tags: ["t".repeat(255)] },
      adjustments: [
        'attributes["$okendo_tier"]: renamed to "okendo_tier" (Braze keys cannot start with "$")',
        "attributes.okendo_bio: cut from 300 to 255 characters (Braze's limit for a text value)",
        "attributes.okendo_tags[0]: cut from 256 to 255 characters (Braze's limit for a text value)",
        'attributes[""]: dropped (Braze keys cannot be empty)',
      ],
    });
  });

  it("does not treat time as reserved (that rule is for event properties)", () => {
    expect(sanitizeAttributes({ time: "x" }).attributes).toEqual({ time: "x" });
  });
});

describe("externalIdFits", () => {
  it("accepts up to 987 bytes of UTF-8 and refuses empty", () => {
    expect(externalIdFits("7001234567890")).toBe(true);
    expect(externalIdFits("a".repeat(987))).toBe(true);
    expect(externalIdFits("a".repeat(988))).toBe(false);
    expect(externalIdFits("é".repeat(493))).toBe(true); // 986 bytes
    expect(externalIdFits("é".repeat(494))).toBe(false); // 988 bytes, only 494 characters
    expect(externalIdFits("")).toBe(false);
  });
});
