// Production server: the HTTP edge in front of Remix (app/edge) and, unless DELIVERY_WORKER=off, the delivery worker
// in the same process (the embedded default). Scale out with DELIVERY_WORKER=off here and `npm run worker` elsewhere.
// It refuses to start on a configuration that cannot work, with one line saying why.
import { requireNode } from "./scripts/node-version.mjs";

requireNode();

const build = await import("./build/server/index.js");
const app = build.entry.module;
const port = Number(process.env.PORT || 3000);

function refuse(problem) {
  console.error(`okendo-braze: not starting: ${problem}`);
  process.exit(1);
}

const keyProblem = app.encryptionKeyProblem();
if (keyProblem) refuse(keyProblem);
const workerOptions = app.workerOptionsFromEnv();
const inProcessWorker = process.env.DELIVERY_WORKER !== "off";
const leaseProblem = inProcessWorker && app.leaseProblem(workerOptions);
if (leaseProblem) refuse(leaseProblem);

// The demo's server is reachable from this machine only.
const host = app.demoRequested() ? "127.0.0.1" : process.env.HOST || undefined;
const server = app.createAppServer({ build, mode: process.env.NODE_ENV, clientDir: "build/client" });
server.listen(port, host, () => console.log(`okendo-braze listening on http://${host ?? "localhost"}:${port}`));
const worker = inProcessWorker ? app.startDeliveryWorker(workerOptions) : null;

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
