// Remix behind the edge: Node's request, its body already read within its limit (body-limits.ts), becomes a Fetch
// Request for Remix's handler, and the Fetch Response is written back with the security headers (security-headers.ts).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import { withSecurityHeaders } from "./security-headers";

export type RemixHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer | null) => Promise<void>;

export function remixHandler(build: ServerBuild, mode: string | undefined): RemixHandler {
  const handle = createRequestHandler(build, mode);
  return async (req, res, body) => {
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const response = await handle(toFetchRequest(req, body, controller.signal));
    await writeResponse(res, response);
  };
}

function toFetchRequest(req: IncomingMessage, body: Buffer | null, signal: AbortSignal): Request {
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  const url = new URL(req.url ?? "/", `${protocol}://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const method = req.method ?? "GET";
  const withBody = method !== "GET" && method !== "HEAD" && body !== null;
  return new Request(url, { method, headers, signal, ...(withBody ? { body: new Uint8Array(body) } : {}) });
}

async function writeResponse(res: ServerResponse, response: Response) {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of response.headers) {
    if (name === "set-cookie") continue; // joined below: each cookie is its own header
    headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText, withSecurityHeaders(headers));
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
