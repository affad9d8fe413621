// ESLint (flat config), run by `npm run lint` and `npm test`. Formatting is Prettier's job (`npm run format`), so
// there are no stylistic rules here. The choices below are argued in docs/decisions/0012.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/",
      "node_modules/",
      "prisma/generated/",
      "test-results/",
      "playwright-report/",
      "bench/results/",
      "data/",
      ".cache/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // A leading underscore marks a value left unused on purpose; `const { a, ...rest } = x` drops `a` from x.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // With type information, for the one bug class that breaks "every 2xx is backed by a committed row": a promise
    // nobody awaits (a write that may not have happened when we answer, or an error nobody sees). Mark a promise
    // that is meant to run on its own with `void`.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // React's rules of hooks where React runs: the app's components and routes (Playwright's fixtures also call a
    // function named `use`, which is not a hook).
    files: ["app/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // Playwright finds a fixture's dependencies by destructuring its first argument; `{}` means "none".
    files: ["tests/e2e/**"],
    rules: { "no-empty-pattern": "off" },
  },
  {
    // Tests read JSON bodies of any shape (simulator answers, Braze payloads) and assert on them.
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
