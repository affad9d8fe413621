// A stored inbound message read again with today's mapping (the Activity page's Retry), by the same source module
// the ingress used for it, with what the ingress knew then (the URL's topic, the time it arrived). A replay can no
// longer drift from the ingress: there is only one reading of each source.
import { parseJson } from "../http/json";
import { interpretStoredFlowRun } from "./flow";
import type { Interpretation } from "./interpretation";
import { interpretOkendo } from "./okendo";
import { interpretSequencesRequest } from "./okendo-sequences";

export interface StoredInbound {
  source: string;
  topic: string | null;
  payload: string;
  receivedAt: Date;
}

export function interpretStored(inbound: StoredInbound): Interpretation {
  const parsed = parseJson(inbound.payload);
  if (!parsed.ok) return { kind: "invalid", problems: [parsed.message] };
  switch (inbound.source) {
    case "okendo":
      return interpretOkendo(parsed.value, inbound.topic ?? undefined, inbound.receivedAt);
    case "sequences":
      return interpretSequencesRequest(parsed.value, inbound.receivedAt);
    case "flow":
      return interpretStoredFlowRun(parsed.value, inbound.receivedAt);
    default:
      return { kind: "invalid", problems: [`A message from "${inbound.source}" is not read again.`] };
  }
}
