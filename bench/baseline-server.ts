// The ingest baseline: a bare Node http server that does only what no implementation can skip — read the
// body, verify the Standard Webhooks signature with the same library and secret the app uses — and answers
// 200 without storing anything. Run as its own process (like the app) by bench/ingest.ts.
// PORT and OKENDO_SECRET come from the environment.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.OKENDO_SECRET ?? "");

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const header = (name: string) =>
      String(request.headers[`svix-${name}`] ?? request.headers[`webhook-${name}`] ?? "");
    try {
      webhook.verify(
        Buffer.concat(chunks).toString("utf8"),
        {
          "webhook-id": header("id"),
          "webhook-timestamp": header("timestamp"),
          "webhook-signature": header("signature"),
        },
        { jsonParse: false },
      );
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"accepted"}');
    } catch {
      response.writeHead(401, { "content-type": "application/json" }).end('{"error":"Signature rejected"}');
    }
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.({ type: "ready" }));
process.on("disconnect", () => process.exit(0));
