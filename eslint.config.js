// One linter at zero warnings: ESLint with typescript-eslint's type-aware rules (floating promises and
// friends matter in an authorizer), formatting left to Prettier.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "bench/results/",
      ".local/",
      "examples/cdktf/cdktf.out/",
      "examples/cdktf/node_modules/",
      "**/*.tfvars.json",
      "**/.terraform/",
      "reports/",
      ".stryker-tmp/",
      "eslint.config.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // Lambda handlers and the library's interfaces (PenaltyBox.wait, …) are async by contract.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Tests read back JSON they produced themselves (tokens, log lines, Terraform output).
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The CDKTF example installs its own packages (examples/cdktf/package.json), usually absent here:
    // lint its syntax only; test/cdktf-example.test.ts type-checks it against its own install.
    files: ["examples/cdktf/**/*.ts"],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
