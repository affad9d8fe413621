// Bodies for Braze's POST /users/delete: at most 50 identifiers a request, external IDs as `external_ids`, email
// identifiers as `email_addresses` (Braze deletes the most recently updated profile with that address).
export const BRAZE_MAX_DELETE_IDENTIFIERS = 50;

export interface BrazeDeleteRequest {
  external_ids?: string[];
  email_addresses?: { email: string; prioritization: string[] }[];
}

export function brazeDeletionRequests(externalIds: string[], emailAddresses: string[]): BrazeDeleteRequest[] {
  const identifiers = [
    ...externalIds.map((id) => ({ external_id: id })),
    ...emailAddresses.map((email) => ({ email })),
  ];
  const requests: BrazeDeleteRequest[] = [];
  for (let start = 0; start < identifiers.length; start += BRAZE_MAX_DELETE_IDENTIFIERS) {
    const chunk = identifiers.slice(start, start + BRAZE_MAX_DELETE_IDENTIFIERS);
    const request: BrazeDeleteRequest = {};
    for (const identifier of chunk) {
      if ("external_id" in identifier) (request.external_ids ??= []).push(identifier.external_id);
      else
        (request.email_addresses ??= []).push({ email: identifier.email, prioritization: ["most_recently_updated"] });
    }
    requests.push(request);
  }
  return requests;
}

// Once Braze has taken a deletion, the identifiers we were asked to forget need not stay in the row: keep counts.
export function forgottenDeletion(payload: string): string {
  const request = JSON.parse(payload) as BrazeDeleteRequest;
  return JSON.stringify({
    deleted: { external_ids: request.external_ids?.length ?? 0, email_addresses: request.email_addresses?.length ?? 0 },
    note: "Identifiers removed after Braze accepted the deletion.",
  });
}
