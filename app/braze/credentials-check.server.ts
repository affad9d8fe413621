// Checks a Braze endpoint and key before the shop is marked connected.
//
// Braze has no endpoint that validates a key, so we send /users/track one attribute object for a reserved
// external_id with `_update_existing_only: true` and no attribute fields. Braze authenticates the key and checks
// the users.track permission before it looks at the body, and an update-only object never creates a profile;
// it carries no event. So the check creates no user and no event in the merchant's workspace.
import { postToBraze, brazeMessage } from "./client.server";

export const CONNECTION_CHECK_EXTERNAL_ID = "okendo-braze-connection-check";

export const connectionCheckPayload = {
  attributes: [{ external_id: CONNECTION_CHECK_EXTERNAL_ID, _update_existing_only: true }],
};

export type CredentialsCheck = { ok: true } | { ok: false; message: string; retryable: boolean };

export async function checkBrazeCredentials(endpoint: string, apiKey: string): Promise<CredentialsCheck> {
  const result = await postToBraze(endpoint, apiKey, "/users/track", connectionCheckPayload, 10_000);
  if (!result.reached) {
    return {
      ok: false,
      retryable: true,
      message: `Braze could not be reached (${result.error}). Nothing was saved; check the endpoint or try again in a minute.`,
    };
  }
  const { status, body } = result.answer;
  // A 400 means Braze authenticated the key and found the permission, then disliked the (empty) update.
  if ((status >= 200 && status < 300) || status === 400) return { ok: true };
  if (status === 401) {
    return { ok: false, retryable: false, message: "Invalid API key, or the key belongs to another Braze instance." };
  }
  if (status === 403) return { ok: false, retryable: false, message: "This key lacks the users.track permission." };
  if (status === 404) {
    return { ok: false, retryable: false, message: "Braze answered 404 at this endpoint. Check the API Endpoint." };
  }
  if (status === 429) {
    return {
      ok: false,
      retryable: true,
      message: "Braze is rate-limiting this workspace right now. Try again in a minute.",
    };
  }
  const detail = brazeMessage(body);
  return {
    ok: false,
    retryable: status >= 500,
    message:
      status >= 500
        ? `Braze is having trouble (HTTP ${status}). Nothing was saved; try again in a minute.`
        : `Braze answered HTTP ${status}${detail ? `: ${detail}` : ""}.`,
  };
}
