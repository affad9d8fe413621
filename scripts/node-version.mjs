// Stops a script run by a Node older than this project needs, within a second and with one line saying what to do,
// instead of a crash deep in a dependency (ERR_UNKNOWN_FILE_EXTENSION, a segfault, an ABI mismatch). npm scripts
// run on the Node 22 that `npm install` puts in node_modules/.bin (the `node` dev dependency, decision 0011), so
// this only fires when a script is started by hand with an older system Node.
// Kept free of dependencies and of TypeScript so that it loads on any Node.

/**
 * @param {string} minimum e.g. "22.12.0" (`engines`), "22.18.0" for scripts that import TypeScript files
 */
export function requireNode(minimum = "22.12.0") {
  if (compare(process.versions.node, minimum) >= 0) return;
  console.error(
    `okendo-braze needs Node ${minimum} or newer, and this is Node ${process.versions.node} (${process.execPath}). ` +
      "Run it through npm (npm install once, then npm run demo, npm test or npm start): npm scripts use the Node 22 " +
      "in node_modules/.bin.",
  );
  process.exit(1);
}

function compare(a, b) {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}
