// Production server: serves the Remix build. The delivery worker joins this process in the pipeline.
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

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
