import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".work/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Only entry points (src/main.ts, src/post.ts, src/cli.ts, src/entry/) read process.env; pass values in.",
        },
      ],
    },
  },
  {
    files: ["src/main.ts", "src/post.ts", "src/cli.ts", "src/entry/**", "test/**", "stand-in/**", "bench/**", "scripts/**", "*.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Layering: the lifecycle sequences everyone else; nobody below it imports from it.
    files: ["src/node/**", "src/workloads/**", "src/cloud/**", "src/config/**", "src/auth/**", "src/evidence/**", "src/runtime/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/lifecycle", "**/lifecycle/**", "**/entry", "**/entry/**"],
              message:
                "src/lifecycle and src/entry sit on top: node, workloads, cloud, config, auth, evidence and runtime must not import from them (shared pieces go in src/runtime).",
            },
          ],
        },
      ],
    },
  },
  {
    // The ground floor: clock, log, phases, error text, redaction. It imports no other part of src/
    // (a type from the results schema aside), so everyone may import it.
    files: ["src/runtime/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../*", "!../runtime"],
              allowTypeImports: true,
              message: "src/runtime is the ground floor: it imports nothing else from src/ (types aside).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
