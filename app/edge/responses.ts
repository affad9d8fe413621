// Answers written straight to Node's response, for the handlers that run ahead of Remix.
import type { ServerResponse } from "node:http";
import { withSecurityHeaders } from "./security-headers";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(
    status,
    withSecurityHeaders({ "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers }),
  );
  res.end(text);
}
