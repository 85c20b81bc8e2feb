// Opens a page served by `briefing serve` in headless Chromium, edits a stylesheet the page
// links, and waits for the new style to apply; reports how often the page reloaded (a swap of
// the stylesheet needs none).
// Usage: node tests/browser/css_swap.mjs URL CSS_FILE OLD_COLOR NEW_COLOR
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { launchOptions } from "./chromium.mjs";

const [url, file, oldColor, newColor] = process.argv.slice(2);
const color = () => getComputedStyle(document.body).color;
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  let navigations = 0;
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) navigations += 1; });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction((c) => getComputedStyle(document.body).color === c, oldColor, { timeout: 10000 });
  await page.waitForTimeout(300);
  const before = navigations;
  writeFileSync(file, readFileSync(file, "utf8").replace(oldColor, newColor));
  await page.waitForFunction((c) => getComputedStyle(document.body).color === c, newColor, { timeout: 15000 });
  console.log(JSON.stringify({ ok: true, reloads: navigations - before, color: await page.evaluate(color) }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
