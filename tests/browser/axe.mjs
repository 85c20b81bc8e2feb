// Runs axe-core in headless Chromium on every page given, in light and dark colour schemes, and
// prints the violations as JSON. Exit code 1 when there is any.
// Usage: node tests/browser/axe.mjs URL...
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { launchOptions } from "./chromium.mjs";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const urls = process.argv.slice(2);
const browser = await chromium.launch(launchOptions());
const violations = [];
try {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const url of urls) {
      await page.goto(url, { waitUntil: "load" });
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
      );
      for (const v of result.violations) {
        violations.push({ url, scheme, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) });
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ pages: urls.length, violations }, null, 2));
process.exitCode = violations.length === 0 ? 0 : 1;
