// The app's HTTP server: a plain Node handler in front of Remix. It serves the Okendo ingress itself (the hot path,
// without the framework's cost), the built client files, and hands everything else to Remix — each request only
// after its body was read within the limit of its route (body-limits.ts), so no route buffers an unbounded body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import serveStatic from "serve-static";
import { BodyTooLarge, bodyLimitFor, hasBody, readBody, refuseTooLarge } from "./body-limits";
import { OKENDO_INGRESS_PREFIX, handleOkendoIngress } from "./okendo-ingress.server";
import { remixHandler } from "./remix.server";
import { sendJson } from "./responses";
import { withSecurityHeaders } from "./security-headers";

export interface AppServerOptions {
  build: ServerBuild;
  mode: string | undefined;
  clientDir: string; // build/client
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

// Whether serve-static answered (it calls `next` when it has no such file).
function serveFiles(serve: Middleware, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    res.once("close", () => resolve(true));
    serve(req, res, () => resolve(false));
  });
}

export function createAppServer({ build, mode, clientDir }: AppServerOptions): Server {
  const remix = remixHandler(build, mode);
  const setHeaders = (res: ServerResponse) => {
    for (const [name, value] of Object.entries(withSecurityHeaders({}))) res.setHeader(name, value!);
  };
  const assets = serveStatic(path.join(clientDir, "assets"), {
    immutable: true,
    maxAge: "1y",
    index: false,
    setHeaders,
  });
  const files = serveStatic(clientDir, { maxAge: "1h", index: false, setHeaders });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? "/";
    const pathname = url.split("?", 1)[0]!;
    if (pathname.startsWith(OKENDO_INGRESS_PREFIX)) return handleOkendoIngress(req, res, pathname);
    if (req.method === "GET" || req.method === "HEAD") {
      if (pathname === "/favicon.ico") {
        res.writeHead(204).end();
        return;
      }
      if (pathname.startsWith("/assets/")) {
        req.url = url.slice("/assets".length);
        const served = await serveFiles(assets as Middleware, req, res);
        req.url = url;
        if (served) return;
      } else if (pathname.includes(".") && (await serveFiles(files as Middleware, req, res))) {
        return;
      }
    }
    let body: Buffer | null = null;
    if (hasBody(req)) {
      try {
        body = await readBody(req, bodyLimitFor(pathname));
      } catch (error) {
        if (error instanceof BodyTooLarge) return refuseTooLarge(req, res, error);
        throw error;
      }
    }
    await remix(req, res, body);
  }

  return createServer((req, res) => {
    route(req, res).catch((error) => {
      console.error(`[http] ${req.method} ${req.url}:`, error);
      if (!res.headersSent) sendJson(res, 500, { error: "Something went wrong on our side." });
      else res.destroy();
    });
  });
}
