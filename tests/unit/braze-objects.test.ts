import { describe, it, expect } from "vitest";
import { CATALOG, sampleEvent } from "../../app/catalog/events";
import type { AttributeUpdate, CatalogEvent } from "../../app/catalog/messages";
import { toBrazeObjects, type BrazeObject } from "../../app/braze/objects";

const JANE = { email: "jane.doe@example.com", shopifyCustomerId: "7001234567890", firstName: "Jane", lastName: "Doe" };
const AT = "2026-11-26T10:00:00.000Z";

const PRIMARY = ["external_id", "user_alias", "braze_id"];

// Braze: one primary identifier per object; email identifies only when no primary one is present.
function expectOneIdentifier(object: object, by: "external_id" | "email") {
  const primaries = PRIMARY.filter((k) => k in object);
  if (by === "external_id") expect(primaries).toEqual(["external_id"]);
  else {
    expect(primaries).toEqual([]);
    expect(typeof (object as { email?: unknown }).email).toBe("string");
  }
  expect("phone" in object).toBe(false);
}

describe("toBrazeObjects", () => {
  const event: CatalogEvent = {
    kind: "event",
    name: "Okendo Loyalty Points Awarded",
    occurredAt: AT,
    customer: JANE,
    properties: { points: 250, points_balance: 350 },
    attributes: { okendo_loyalty_points_balance: 350 },
  };

  it("identified by external_id: email, names and custom attributes on the attribute object, then the event", () => {
    expect(toBrazeObjects(event, { external_id: "7001234567890" })).toEqual({
      objects: [
        {
          type: "attributes",
          object: {
            external_id: "7001234567890",
            email: "jane.doe@example.com",
            first_name: "Jane",
            last_name: "Doe",
            okendo_loyalty_points_balance: 350,
          },
        },
        {
          type: "event",
          object: {
            external_id: "7001234567890",
            name: "Okendo Loyalty Points Awarded",
            time: AT,
            properties: { points: 250, points_balance: 350 },
          },
        },
      ],
      adjustments: [],
    });
  });

  it("identified by email: the email is the identifier and is not added again", () => {
    expect(toBrazeObjects(event, { email: "jane.doe@example.com" })).toEqual({
      objects: [
        {
          type: "attributes",
          object: {
            email: "jane.doe@example.com",
            first_name: "Jane",
            last_name: "Doe",
            okendo_loyalty_points_balance: 350,
          },
        },
        {
          type: "event",
          object: {
            email: "jane.doe@example.com",
            name: "Okendo Loyalty Points Awarded",
            time: AT,
            properties: { points: 250, points_balance: 350 },
          },
        },
      ],
      adjustments: [],
    });
  });

  it("sends no attribute object when there is nothing to set", () => {
    const bare: CatalogEvent = { ...event, customer: { email: "jane.doe@example.com" }, attributes: {} };
    expect(toBrazeObjects(bare, { email: "jane.doe@example.com" }).objects).toEqual([
      {
        type: "event",
        object: { email: "jane.doe@example.com", name: bare.name, time: AT, properties: bare.properties },
      },
    ]);
    const update: AttributeUpdate = {
      kind: "attributes",
      occurredAt: AT,
      customer: { email: "jane.doe@example.com" },
      attributes: {},
    };
    expect(toBrazeObjects(update, { email: "jane.doe@example.com" })).toEqual({ objects: [], adjustments: [] });
  });

  it("maps an attribute update to one attribute object", () => {
    const update: AttributeUpdate = {
      kind: "attributes",
      occurredAt: AT,
      customer: { shopifyCustomerId: "7001234567890" },
      attributes: { okendo_loyalty_points_balance: 1400, okendo_loyalty_vip_tier: null },
    };
    expect(toBrazeObjects(update, { external_id: "7001234567890" })).toEqual({
      objects: [
        {
          type: "attributes",
          object: { external_id: "7001234567890", okendo_loyalty_points_balance: 1400, okendo_loyalty_vip_tier: null },
        },
      ],
      adjustments: [],
    });
  });

  it("never lets a message's attributes add a second identifier", () => {
    const sneaky: AttributeUpdate = {
      kind: "attributes",
      occurredAt: AT,
      customer: { email: "jane.doe@example.com" },
      attributes: {
        external_id: "other",
        braze_id: "b",
        user_alias: { alias_name: "x" },
        email: "x@example.com",
        phone: "+61400000000",
        okendo_x: 1,
      },
    };
    const result = toBrazeObjects(sneaky, { email: "jane.doe@example.com" });
    expect(result.objects).toEqual([{ type: "attributes", object: { email: "jane.doe@example.com", okendo_x: 1 } }]);
    expect(result.adjustments).toEqual([
      "attributes.external_id: dropped (it identifies the user in Braze and is set from the customer)",
      "attributes.braze_id: dropped (it identifies the user in Braze and is set from the customer)",
      "attributes.user_alias: dropped (it identifies the user in Braze and is set from the customer)",
      "attributes.email: dropped (it identifies the user in Braze and is set from the customer)",
      "attributes.phone: dropped (it identifies the user in Braze and is set from the customer)",
    ]);
  });

  it("lets an explicit custom value win over the customer's name", () => {
    const named: AttributeUpdate = {
      kind: "attributes",
      occurredAt: AT,
      customer: JANE,
      attributes: { first_name: "Janet" },
    };
    expect(toBrazeObjects(named, { email: "jane.doe@example.com" }).objects[0]!.object).toMatchObject({
      first_name: "Janet",
    });
  });

  it("runs the Braze limits and reports what it changed", () => {
    const messy: CatalogEvent = {
      ...event,
      properties: { time: "morning", body: "b".repeat(300) },
      attributes: { $okendo_tier: "Gold" },
    };
    const result = toBrazeObjects(messy, { email: "jane.doe@example.com" });
    expect(result.objects[1]!.object).toEqual({
      email: "jane.doe@example.com",
      name: "Okendo Loyalty Points Awarded",
      time: AT,
      properties: { okendo_time: "morning", body: "b".repeat(255) },
    });
    expect(result.objects[0]!.object).toMatchObject({ okendo_tier: "Gold" });
    expect(result.adjustments).toEqual([
      'attributes["$okendo_tier"]: renamed to "okendo_tier" (Braze keys cannot start with "$")',
      'properties.time: renamed to "okendo_time" ("time" is reserved by Braze)',
      "properties.body: cut from 300 to 255 characters (Braze's limit for a text value)",
    ]);
  });

  it("refuses an identifier Braze would reject", () => {
    expect(() => toBrazeObjects(event, { external_id: "x".repeat(988) })).toThrow(RangeError);
    expect(() => toBrazeObjects(event, { external_id: "" })).toThrow(RangeError);
    expect(() => toBrazeObjects(event, { email: "" })).toThrow(RangeError);
  });

  describe("the sample of every catalog entry maps cleanly", () => {
    it.each(CATALOG.map((e) => [e.name]))("%s", (name) => {
      const message = sampleEvent(name, JANE, AT);
      for (const [identifier, by] of [
        [{ external_id: JANE.shopifyCustomerId }, "external_id"],
        [{ email: JANE.email }, "email"],
      ] as const) {
        const { objects, adjustments } = toBrazeObjects(message, identifier);
        expect(adjustments).toEqual([]);
        expect(objects.map((o: BrazeObject) => o.type)).toEqual(["attributes", "event"]);
        for (const { object } of objects) expectOneIdentifier(object, by);
        const eventObject = objects[1]!.object;
        expect(eventObject).toMatchObject({ name, time: AT, properties: message.properties });
        expect(objects[0]!.object).toMatchObject(message.attributes);
      }
    });
  });
});
