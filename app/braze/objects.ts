// The mapper: one normalized message + the identifier the identity layer chose → the objects
// POST /users/track takes. Braze rejects an object carrying two primary identifiers, so every
// object here carries exactly one (external_id, or email when there is no external_id).
import type { NormalizedMessage } from "../catalog/messages";
import { externalIdFits, sanitizeAttributes, sanitizeProperties } from "./limits";

export type BrazeIdentifier = { external_id: string } | { email: string };

export interface BrazeEventObject {
  external_id?: string;
  email?: string;
  name: string;
  time: string;
  properties: Record<string, unknown>;
}

export interface BrazeAttributeObject {
  external_id?: string;
  email?: string;
  [attribute: string]: unknown;
}

export type BrazeObject =
  { type: "event"; object: BrazeEventObject } | { type: "attributes"; object: BrazeAttributeObject };

// Keys that identify a profile (or change how Braze matches one). As custom attributes they would
// add a second identifier to the object or overwrite the one we chose, so they are never taken
// from a message's attributes; the customer's email comes from message.customer instead.
export const BRAZE_IDENTIFIER_KEYS: readonly string[] = Object.freeze([
  "external_id",
  "user_alias",
  "braze_id",
  "email",
  "phone",
  "_update_existing_only",
]);

function identifierFields(identifier: BrazeIdentifier): { external_id: string } | { email: string } {
  if ("external_id" in identifier) {
    // The identity layer checks this before mapping; reaching here with a bad ID is a bug, and
    // sending it would only get the object rejected at Braze.
    if (!externalIdFits(identifier.external_id)) {
      throw new RangeError("external_id must be 1 to 987 bytes (UTF-8)");
    }
    return { external_id: identifier.external_id };
  }
  if (!identifier.email) throw new RangeError("email identifier must not be empty");
  return { email: identifier.email };
}

// `identifier` null: the customer is still to be identified (the worker asks Shopify). The objects are built as
// for an external_id — what a customer Shopify knows gets — and withIdentifier() completes each once it is known.
export function toBrazeObjects(
  message: NormalizedMessage,
  identifier: BrazeIdentifier | null,
): { objects: BrazeObject[]; adjustments: string[] } {
  const id = identifier ? identifierFields(identifier) : {};
  const adjustments: string[] = [];
  const objects: BrazeObject[] = [];

  // Standard attributes first, custom ones after (an explicit custom value wins).
  // With the email identifier the email is already on the object: adding it again changes nothing.
  const standard: Record<string, unknown> = {};
  const { customer } = message;
  if (!("email" in id) && customer.email) standard.email = customer.email;
  if (customer.firstName) standard.first_name = customer.firstName;
  if (customer.lastName) standard.last_name = customer.lastName;

  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message.attributes)) {
    if (BRAZE_IDENTIFIER_KEYS.includes(key)) {
      adjustments.push(`attributes.${key}: dropped (it identifies the user in Braze and is set from the customer)`);
      continue;
    }
    custom[key] = value;
  }

  const attributes = sanitizeAttributes({ ...standard, ...custom });
  adjustments.push(...attributes.adjustments);
  // An object with only an identifier would be a no-op at Braze (or create an empty profile).
  if (Object.keys(attributes.attributes).length > 0) {
    objects.push({ type: "attributes", object: { ...id, ...attributes.attributes } });
  }

  if (message.kind === "event") {
    const properties = sanitizeProperties(message.properties);
    adjustments.push(...properties.adjustments);
    objects.push({
      type: "event",
      object: { ...id, name: message.name, time: message.occurredAt, properties: properties.properties },
    });
  }

  return { objects, adjustments };
}

// An object built before its identifier was known (toBrazeObjects with null), completed. With Braze's email
// identifier the email attribute is the identifier itself; an attribute object left with nothing else is dropped
// (null), as toBrazeObjects would not have made it.
export function withIdentifier(
  type: BrazeObject["type"],
  object: Record<string, unknown>,
  identifier: BrazeIdentifier,
): Record<string, unknown> | null {
  const id = identifierFields(identifier);
  if ("external_id" in id || type === "event") return { ...id, ...object };
  const { email: _identifier, ...rest } = object;
  return Object.keys(rest).length > 0 ? { ...id, ...rest } : null;
}
