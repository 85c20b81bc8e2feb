// Opens a page served by `briefing serve` in headless Chromium, edits a content file, and waits
// for the new text to appear in the open page with no manual reload.
// Usage: node tests/browser/live_reload.mjs URL FILE OLD_TEXT NEW_TEXT
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { launchOptions } from "./chromium.mjs";

const [url, file, oldText, newText] = process.argv.slice(2);
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  let navigations = 0;
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) navigations += 1; });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction((text) => document.body.innerText.includes(text), oldText, { timeout: 10000 });
  // Give the live-reload stream a moment to connect before the edit.
  await page.waitForTimeout(300);
  const before = navigations;
  writeFileSync(file, readFileSync(file, "utf8").replace(oldText, newText));
  await page.waitForFunction((text) => document.body.innerText.includes(text), newText, { timeout: 15000 });
  console.log(JSON.stringify({ ok: true, reloads: navigations - before }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
