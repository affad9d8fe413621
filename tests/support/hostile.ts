// What an attacker sends: bodies far over any limit, streamed without buffering them on this side, and a way to
// read how much memory the server under test holds.
import { request } from "node:http";
import { readFileSync } from "node:fs";

export const MiB = 1024 * 1024;

export interface Answer {
  status: number | null; // null: the connection ended without an answer
  ms: number;
  closed: boolean; // the server said it would close the connection
}

// POSTs `bytes` of junk to `path`, declared up front (Content-Length) or streamed (chunked), and stops sending as soon
// as the server answers.
export function sendOversized(
  base: string,
  path: string,
  mode: "length" | "chunked",
  bytes = 64 * MiB,
): Promise<Answer> {
  return new Promise((resolve) => {
    const started = performance.now();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (mode === "length") headers["content-length"] = String(bytes);
    else headers["transfer-encoding"] = "chunked";
    const req = request(new URL(path, base), { method: "POST", headers, agent: false });
    let settled = false;
    const done = (status: number | null, closed = false) => {
      if (settled) return;
      settled = true;
      resolve({ status, ms: performance.now() - started, closed });
      req.destroy();
    };
    req.on("response", (res) => {
      res.resume();
      done(res.statusCode ?? null, res.headers.connection === "close");
    });
    req.on("error", () => setTimeout(() => done(null), 50)); // a response already on its way still counts
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (!settled && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!settled) req.end();
    };
    pump();
  });
}

// Resident memory of a process of this machine, in MB.
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) / 1024;
}

// The fastest of a few tries: a slow answer on a busy machine is not what these tests look for; a body whose cost
// grows faster than its size is (it takes seconds every time).
export async function fastestOf<T extends { ms: number }>(tries: number, attempt: () => Promise<T>): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < tries; i++) {
    const result = await attempt();
    if (!best || result.ms < best.ms) best = result;
  }
  return best!;
}
