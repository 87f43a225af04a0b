import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/.next-*/**",
      "**/dist/**",
      ".agora/**",
      "packages/db/src/generated/**",
      "**/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    // ARCHITECTURE §8: configuration flows topology → env → code. Product code reads @agora/config;
    // only infra/local itself, tests, e2e and the console's ops-backend wiring may import it.
    files: ["apps/**/*.{ts,tsx,mts,js,mjs}", "packages/**/*.{ts,tsx,mts,js,mjs}"],
    ignores: [
      "apps/ops-console/src/ops-backend/**",
      "**/*.test.ts",
      "**/*.int.test.ts",
      "**/*-test-fixtures.ts",
      "**/test-fixtures/**",
      "e2e/**",
      "tests/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@agora/infra-local", "@agora/infra-local/*"],
              message: "Read settings from @agora/config (env); only infra/local knows the local topology.",
            },
            {
              regex: "^(\\.\\./)+(infra/local)(/|$)",
              message: "Read settings from @agora/config (env); only infra/local knows the local topology.",
            },
          ],
        },
      ],
    },
  },
);
