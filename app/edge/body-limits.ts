// How large a request body may be, by route, decided before a byte of it is buffered. A body over its limit is
// answered 413 at once — from Content-Length when the sender declares one, else as soon as the stream passes the
// limit — and the connection is closed, so an unauthenticated sender can make the process hold at most one limit's
// worth per open request. Limits follow what each sender really sends (docs/decisions/0015-http-edge-and-body-limits.md).
import type { IncomingMessage, ServerResponse } from "node:http";
import { withSecurityHeaders } from "./security-headers";

const KiB = 1024;
const MiB = 1024 * KiB;

// First match wins.
export const BODY_LIMITS: ReadonlyArray<{ prefix: string; bytes: number; who: string }> = [
  { prefix: "/webhooks/okendo/", bytes: 1 * MiB, who: "Okendo webhooks and event envelopes" },
  { prefix: "/webhooks/", bytes: 256 * KiB, who: "Shopify webhooks (customers, app, compliance)" },
  { prefix: "/flow/", bytes: 256 * KiB, who: "Shopify Flow action runs" },
  { prefix: "/auth/", bytes: 16 * KiB, who: "the login form" },
  { prefix: "/", bytes: 64 * KiB, who: "the app's own pages and forms" },
];

export function bodyLimitFor(path: string): number {
  return BODY_LIMITS.find((limit) => path.startsWith(limit.prefix))!.bytes;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${describeBytes(limit)}.`);
  }
}

export function describeBytes(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers["content-length"];
  if (header === undefined) return null;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

// Reads the whole body, or throws BodyTooLarge without reading past the limit.
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

// Answers before the rest of the body was read, then closes the connection (it cannot carry another request). The
// close lingers, as nginx's does: closing while the sender is still sending makes the kernel reset the connection,
// and a reset can throw the answer away before the sender reads it. So the answer goes out, this side stops writing
// and stops reading (TCP's flow control then stops the sender; nothing more is read, so nothing is held), and the
// socket is destroyed once the sender has gone or after LINGER_MS.
const LINGER_MS = 1_000;

export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, error: BodyTooLarge) {
  const socket = req.socket;
  socket.destroySoon = () => socket.end(); // Node destroys a "connection: close" socket as soon as the answer is out
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once("close", () => clearTimeout(timer));
  const body = JSON.stringify({ error: error.message });
  res.writeHead(
    413,
    withSecurityHeaders({
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      connection: "close",
    }),
  );
  res.end(body, () => socket.pause());
}

export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || (declaredLength(req) ?? 0) > 0;
}
