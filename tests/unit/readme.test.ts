// The README's promises that code can check: its event table is the catalog, its two commands are what CI runs,
// and its links (and the docs' links) lead somewhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { CATALOG_EVENT_NAMES, PRODUCT_GROUPS, groupOf } from "../../app/catalog/names";

const readme = readFileSync("README.md", "utf8");

it("lists every catalog event, by product group, in the catalog's order", () => {
  const table = readme.slice(readme.indexOf("| Product | Events |"));
  const lines = table.split("\n");
  // The table ends at its first line that is not a row; later tables in the README are not the catalog.
  const rows = lines
    .slice(
      2,
      lines.findIndex((line) => !line.startsWith("|")),
    )
    .map((line) => line.split("|").map((cell) => cell.trim()));
  const listed = rows.flatMap(([, group, events]) =>
    [...events!.matchAll(/`([^`]+)`/g)].map((match) => [match[1], group]),
  );
  expect(listed).toEqual(CATALOG_EVENT_NAMES.map((name) => [name, groupOf(name)]));
  expect(rows.map(([, group]) => group)).toEqual([...PRODUCT_GROUPS]);
  expect(readme).toContain(`**The ${CATALOG_EVENT_NAMES.length} events**`);
});

it("prints the two commands that .ci/run runs (npm ci in place of npm install)", () => {
  const block = /## Try it: two commands\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = block
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
  expect(commands).toEqual(["npm install && npm run demo", "npm test"]);
  const ci = readFileSync(".ci/run", "utf8")
    .split("\n")
    .filter((line) => line.startsWith("npm "));
  expect(ci).toEqual(["npm ci && npm run demo", "npm test"]);
});

it("links only to files that exist, in the README and in docs/", () => {
  const pages = [
    "README.md",
    ...readdirSync("docs")
      .filter((name) => name.endsWith(".md"))
      .map((name) => `docs/${name}`),
  ];
  const broken: string[] = [];
  for (const page of pages) {
    for (const [, target] of readFileSync(page, "utf8").matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
      if (!existsSync(path.join(path.dirname(page), target!))) broken.push(`${page} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
