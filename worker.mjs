// `npm run worker`: a delivery worker process without the web server, for scaling out (usually on Postgres).
import { requireNode } from "./scripts/node-version.mjs";

requireNode();
const build = await import("./build/server/index.js");
const app = build.entry.module;

const options = app.workerOptionsFromEnv();
const problem = app.encryptionKeyProblem() ?? app.leaseProblem(options);
if (problem) {
  console.error(`okendo-braze worker: not starting: ${problem}`);
  process.exit(1);
}
const worker = app.startDeliveryWorker(options);
console.log(`okendo-braze worker ${process.pid} started (${options.concurrency} concurrent turns)`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await worker.stop();
    const { requests, delivered } = worker.totals;
    console.log(`okendo-braze worker ${process.pid} stopped: ${delivered} objects delivered in ${requests} requests`);
    process.exit(0);
  });
}
