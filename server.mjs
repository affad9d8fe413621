// Production server: serves the Remix build and, unless DELIVERY_WORKER=off, runs the delivery worker in the
// same process (the embedded default). Scale out with DELIVERY_WORKER=off here and `npm run worker` elsewhere.
import express from "express";
import { createRequestHandler } from "@remix-run/express";

const build = await import("./build/server/index.js");
const port = Number(process.env.PORT || 3000);

const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.get("/favicon.ico", (_request, response) => response.status(204).end());
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, () => console.log(`okendo-braze listening on http://localhost:${port}`));
const { startDeliveryWorker } = build.entry.module;
const worker = process.env.DELIVERY_WORKER === "off" ? null : startDeliveryWorker();

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    // Stop taking new requests, let the worker finish the batch in flight, then exit.
    server.close();
    await worker?.stop();
    process.exit(0);
  });
}
