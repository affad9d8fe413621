// The durable limit: the least any ingress that answers 2xx only once the message is stored must do — read the
// body, verify the Standard Webhooks signature (same library and secret as the app), INSERT it into a WAL SQLite
// file, and answer 200 after the commit. Inserts arriving in one turn of the event loop share one transaction
// (group commit, as app/store/sqlite.server.ts does), with the app's durability setting (synchronous = NORMAL).
// The app's ingress cannot beat this on the same machine; bench/ingest.ts reports the app as a share of it.
// Its own process, started by bench/support.ts; PORT, OKENDO_SECRET and DATABASE_FILE come from the environment.
import Database from "better-sqlite3";
import { createServer, type ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.OKENDO_SECRET ?? "");
const db = new Database(process.env.DATABASE_FILE ?? "");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(
  `CREATE TABLE IF NOT EXISTS "Message" ("id" TEXT PRIMARY KEY, "receivedAt" TEXT NOT NULL, "payload" TEXT NOT NULL)`,
);
const insert = db.prepare(
  `INSERT INTO "Message" ("id", "receivedAt", "payload") VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
);

let group: { id: string; body: string; response: ServerResponse }[] = [];
const commitGroup = db.transaction((rows: typeof group) => {
  const now = new Date().toISOString();
  for (const row of rows) insert.run(row.id, now, row.body);
});

function flush() {
  const rows = group;
  group = [];
  try {
    commitGroup(rows);
  } catch {
    for (const { response } of rows) response.writeHead(500).end();
    return;
  }
  for (const { response } of rows)
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"accepted"}');
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const header = (name: string) =>
      String(request.headers[`svix-${name}`] ?? request.headers[`webhook-${name}`] ?? "");
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      webhook.verify(
        body,
        {
          "webhook-id": header("id"),
          "webhook-timestamp": header("timestamp"),
          "webhook-signature": header("signature"),
        },
        { jsonParse: false },
      );
    } catch {
      response.writeHead(401, { "content-type": "application/json" }).end('{"error":"Signature rejected"}');
      return;
    }
    if (group.length === 0) setImmediate(flush);
    group.push({ id: header("id"), body, response });
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.({ type: "ready" }));
process.on("disconnect", () => {
  db.close();
  process.exit(0);
});
