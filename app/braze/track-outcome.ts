// What a /users/track (or /users/delete) answer means for the objects in the request.
import type { BrazeCallResult } from "./client.server";
import { brazeMessage } from "./client.server";

export type BatchOutcome =
  // Braze took the request; `failed` names the objects it refused (by position in the request) and why.
  | { kind: "accepted"; failed: Map<number, string>; response: string }
  | { kind: "rejected"; reason: string; response: string } // this request will never succeed as is
  | { kind: "key_rejected"; reason: string } // 401/403: the connection is broken, not the objects
  | { kind: "rate_limited"; headers: Headers }
  | { kind: "transient"; reason: string }; // try again later

// Positions: attribute objects first, then events, as the worker packs them.
export function classifyTrackAnswer(
  result: BrazeCallResult,
  attributeCount: number,
  objectCount: number,
): BatchOutcome {
  if (!result.reached) return { kind: "transient", reason: result.error };
  const { status, body, headers } = result.answer;
  const response = JSON.stringify(body);
  const message = brazeMessage(body);

  if (status >= 200 && status < 300) {
    const failed = new Map<number, string>();
    const errors = (body as { errors?: unknown } | null)?.errors;
    if (Array.isArray(errors)) {
      for (const error of errors as { type?: unknown; input_array?: unknown; index?: unknown }[]) {
        if (typeof error?.index !== "number") continue;
        const position = error.input_array === "events" ? attributeCount + error.index : error.index;
        // An error that names no object of this request cannot fail one; the request itself was processed.
        if (position < 0 || position >= objectCount) continue;
        failed.set(position, typeof error.type === "string" ? error.type : JSON.stringify(error));
      }
    }
    return { kind: "accepted", failed, response };
  }
  if (status === 401)
    return { kind: "key_rejected", reason: "Braze rejected the API key (401). Reconnect with a valid key." };
  if (status === 403)
    return {
      kind: "key_rejected",
      reason: `Braze refused the key (403${message ? `: ${message}` : ""}). It needs the users.track permission.`,
    };
  if (status === 429) return { kind: "rate_limited", headers };
  if (status >= 500 || status === 408)
    return { kind: "transient", reason: `Braze answered HTTP ${status}${message ? `: ${message}` : ""}` };
  return { kind: "rejected", reason: `Braze answered HTTP ${status}${message ? `: ${message}` : ""}`, response };
}

// /users/delete needs its own permission: a 403 there fails the deletion, it does not break tracking.
export function classifyDeleteAnswer(result: BrazeCallResult): BatchOutcome {
  if (result.reached && result.answer.status === 403) {
    return {
      kind: "rejected",
      reason: "Braze refused the deletion (403): the API key needs the users.delete permission.",
      response: JSON.stringify(result.answer.body),
    };
  }
  return classifyTrackAnswer(result, 0, 1);
}
