// What a source makes of one body: the catalog messages it means, "unmapped" (valid, but nothing this app can
// forward: stored and shown, retryable after a mapping change), or "invalid" (the sender's mistake: a 4xx naming
// each problem, nothing stored). Every source — Okendo's native webhooks, the event envelope, Shopify Flow, test
// events, the Okendo API — answers with this one type, and the ingress, replays, imports and recoveries all go
// through app/outbox/accept.server.ts with it.
import type { NormalizedMessage } from "../catalog/messages";

export type Interpretation =
  | { kind: "mapped"; messages: NormalizedMessage[] }
  | { kind: "unmapped"; reason: string }
  | { kind: "invalid"; problems: string[] };
