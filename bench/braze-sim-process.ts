// The Braze simulator in its own process (forked by bench/support.ts), so neither the app nor the load
// generator shares its event loop. It tallies what Braze accepted and forgets the bodies as it goes (a
// 50,000-object drain or a capacity run would otherwise keep every request in memory), and answers the
// bench over IPC: { type: "stats" } → Tally, { type: "reset" } → clears the tally.
import { startBrazeSimulator } from "../tests/support/braze-simulator.ts";

export interface Tally {
  requests: number; // accepted /users/track requests
  objects: number; // objects in them
  full: number; // requests carrying the maximum of 75 objects
  distinct: number; // distinct objects (by identifier + review id), to find doubles
  doubled: number; // objects seen more than once
  rejectedRequests: number; // non-2xx answers (should stay 0)
  firstAt: number | null; // receivedAt of the first request, epoch ms
  lastAt: number | null; // receivedAt of the last request
  perKey: Record<string, { objects: number; firstAt: number; lastAt: number }>; // per API key (= per shop)
}

type Json = Record<string, unknown>;

const simulator = await startBrazeSimulator();
let tally = emptyTally();
const seen = new Map<string, number>();

function emptyTally(): Tally {
  return {
    requests: 0,
    objects: 0,
    full: 0,
    distinct: 0,
    doubled: 0,
    rejectedRequests: 0,
    firstAt: null,
    lastAt: null,
    perKey: {},
  };
}

// One key per Braze object: who it is for, and for events which review (or bench sequence number) it carries.
function objectKey(array: string, object: Json): string {
  const who = String(object.external_id ?? object.email ?? "");
  const properties = (object.properties ?? {}) as Json;
  return `${array}:${who}:${String(properties.review_id ?? properties.n ?? "")}`;
}

function drainRecorded() {
  const requests = simulator.requests.splice(0); // the simulator's live array: take and forget
  for (const request of requests) {
    if (request.path !== "/users/track") continue;
    if (request.status < 200 || request.status > 299) {
      tally.rejectedRequests += 1;
      continue;
    }
    const body = request.body as Json;
    const lists = [
      ["attributes", (body.attributes ?? []) as Json[]],
      ["events", (body.events ?? []) as Json[]],
    ] as const;
    const count = lists.reduce((sum, [, list]) => sum + list.length, 0);
    tally.requests += 1;
    tally.objects += count;
    if (count === 75) tally.full += 1;
    tally.firstAt ??= request.receivedAt;
    tally.lastAt = Math.max(tally.lastAt ?? 0, request.receivedAt);
    const key = request.apiKey ?? "";
    const perKey = (tally.perKey[key] ??= { objects: 0, firstAt: request.receivedAt, lastAt: request.receivedAt });
    perKey.objects += count;
    perKey.lastAt = Math.max(perKey.lastAt, request.receivedAt);
    if (countOnly) continue;
    for (const [array, list] of lists) {
      for (const object of list) {
        const id = `${key}|${objectKey(array, object)}`;
        const times = (seen.get(id) ?? 0) + 1;
        seen.set(id, times);
        if (times === 1) tally.distinct += 1;
        else tally.doubled += 1;
      }
    }
  }
}

let countOnly = false;
setInterval(drainRecorded, 20).unref();

process.on("message", (message: { type: string; countOnly?: boolean }) => {
  if (message.type === "stats") {
    drainRecorded();
    process.send?.({ type: "stats", tally });
  } else if (message.type === "reset") {
    drainRecorded();
    tally = emptyTally();
    seen.clear();
    countOnly = message.countOnly ?? false;
    process.send?.({ type: "reset" });
  }
});
process.on("disconnect", () => void simulator.close().then(() => process.exit(0)));
process.send?.({ type: "ready", url: simulator.url });
