import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Unit tests once; the integration suite (HTTP against the built server) once per database dialect, so whatever
// differs between SQLite and Postgres shows up in `npm test` (tests/support/app-server.ts reads TEST_DIALECT).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["tests/integration/**/*.test.ts"],
          exclude: ["tests/integration/postgres-*.test.ts"],
          env: { TEST_DIALECT: "sqlite" },
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: ["tests/integration/**/*.test.ts"],
          // The demo is SQLite by design: it is the embedded product on one machine.
          exclude: ["tests/integration/demo*.test.ts"],
          env: { TEST_DIALECT: "postgres" },
        },
      },
    ],
  },
});
