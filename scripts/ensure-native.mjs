// Run before the demo, the tests, `npm start` and `npm run worker`: makes sure better-sqlite3, the one native addon,
// loads in the Node that runs the app. An addon compiled for another Node (after a Node upgrade, a `npm rebuild`
// with the wrong headers, a copied node_modules) fails with "NODE_MODULE_VERSION …"; this script rebuilds it with
// node-gyp against the running Node's headers — which the `node` dev dependency ships, so no download — and says
// so. When it cannot, it prints the one command that fixes it and exits 1. See docs/decisions/0011.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { requireNode } from "./node-version.mjs";

requireNode();
const require = createRequire(import.meta.url);
const ADDON = "better-sqlite3";
const NODE_PACKAGE = path.resolve("node_modules/node"); // the `node` dev dependency: Node 22 and its headers

const problem = loadProblem();
if (problem) {
  console.log(problem);
  const packageDir = path.dirname(require.resolve(`${ADDON}/package.json`));
  const headers = headersForThisNode(packageDir) ?? (await restoreNodePackageHeaders(packageDir));
  const nodeGyp = nodeGypScript();
  const fix = `npm rebuild ${ADDON}${headers ? ` --nodedir=${path.relative(process.cwd(), headers)}` : ""}`;
  if (!nodeGyp) fail(`Rebuild it for this Node: ${fix}`);
  console.log(
    `Rebuilding ${ADDON} for Node ${process.versions.node} with node-gyp` +
      (headers ? ` against the headers in ${path.relative(process.cwd(), headers)}` : "") +
      " (about a minute)…",
  );
  const args = [nodeGyp, "rebuild", "--release", "--jobs=max", ...(headers ? [`--nodedir=${headers}`] : [])];
  const { code, output } = await run(process.execPath, args, packageDir);
  if (code !== 0) {
    writeSync(2, output);
    fail(`Rebuilding ${ADDON} failed (node-gyp exit ${code}, its output above). Fix the cause, then: ${fix}`);
  }
  const after = loadProblem();
  if (after) fail(`${ADDON} was rebuilt but still does not load: ${after} Fix: ${fix}`);
  console.log(`${ADDON} rebuilt for Node ${process.versions.node}.`);
}

// Why the addon does not load in this Node, in one sentence; null when it loads. Other errors are not ours to
// interpret: they are thrown with their stack.
function loadProblem() {
  try {
    const Database = require(ADDON);
    new Database(":memory:").close();
    return null;
  } catch (error) {
    const built = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(error.message);
    if (built) {
      return (
        `${ADDON} was compiled for another Node (NODE_MODULE_VERSION ${built[1]}); ` +
        `this is Node ${process.versions.node} (NODE_MODULE_VERSION ${built[2]}).`
      );
    }
    if (/Could not locate the bindings file/.test(error.message)) return `${ADDON} has not been compiled.`;
    throw error;
  }
}

// A folder with this Node's C headers (include/node/node_version.h of the same version), so node-gyp needs no
// download: the `node` package's platform package, the running Node's own prefix, or npm's nodedir setting
// (.npmrc's is relative to the addon's folder, as node-gyp reads it there).
function headersForThisNode(packageDir) {
  const candidates = [
    path.resolve(NODE_PACKAGE, "node_modules", `node-${process.platform}-${process.arch}`),
    path.resolve(NODE_PACKAGE, "node_modules", `node-bin-${process.platform}-${process.arch}`), // macOS arm64
    path.resolve(path.dirname(process.execPath), ".."),
    process.env.npm_config_nodedir && path.resolve(packageDir, process.env.npm_config_nodedir),
  ];
  return candidates.find((dir) => dir && headersVersion(dir) === process.versions.node) ?? null;
}

// The `node` package installs its platform package (binary and headers) from its own install script, outside our
// lockfile, so any later `npm install <package>` prunes it; the binary survives as a hard link, the headers don't.
// `npm rebuild node` runs that script again (a few seconds; npm's cache or the registry).
async function restoreNodePackageHeaders(packageDir) {
  const nodePackage = path.join(NODE_PACKAGE, "package.json");
  if (!existsSync(nodePackage) || JSON.parse(readFileSync(nodePackage, "utf8")).version !== process.versions.node) {
    return null;
  }
  const npm = process.env.npm_execpath;
  if (!npm) return null;
  console.log(`Restoring Node ${process.versions.node}'s C headers: npm rebuild node…`);
  const { code, output } = await run(process.execPath, [npm, "rebuild", "node"], process.cwd());
  if (code !== 0) writeSync(2, output);
  return headersForThisNode(packageDir);
}

function headersVersion(dir) {
  const file = path.join(dir, "include/node/node_version.h");
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const part = (name) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
  return `${part("MAJOR")}.${part("MINOR")}.${part("PATCH")}`;
}

// node-gyp as bundled with npm: npm names it for the scripts it runs (npm_config_node_gyp); otherwise next to npm.
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath &&
      path.join(path.dirname(process.env.npm_execpath), "../node_modules/node-gyp/bin/node-gyp.js"),
  ];
  return candidates.find((file) => file && existsSync(file)) ?? null;
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: -1, output: String(error) }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

function fail(line) {
  console.error(line);
  process.exit(1);
}
