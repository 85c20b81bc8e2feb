// Reads the built briefing as a phone would (320 and 390 px, touch, overlay scrollbars) and as a
// desktop would, and prints what a reader would trip over as JSON: a cell of the comparison
// table out of view with no visible sign that it scrolls, a page wider than the screen, a nav
// label broken over two lines or off screen, a citation label alone at the start of a line; on
// a desktop, the sources page's value column starting at different places. Exit code 1 when
// there is any.
// Usage: node tests/browser/phone_layout.mjs BASE_URL PAGE_PATH...
import { chromium } from "playwright-core";
import { launchOptions } from "./chromium.mjs";

const [base, ...paths] = process.argv.slice(2);
const problems = [];

// Runs in the page: every problem a phone reader would see.
function phoneProblems() {
  const found = [];
  const width = window.innerWidth;
  const inView = (r) => r.left >= -0.5 && r.right <= width + 0.5;
  // Scrolls sideways, and shows it: a scrollbar that takes room (overlay scrollbars on a phone
  // do not), or a visible element marked as the cue.
  const visiblyScrollable = (el) => {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowX) || el.scrollWidth <= el.clientWidth) return false;
    const bar = el.offsetHeight - el.clientHeight - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    const cue = el.parentElement && el.parentElement.querySelector(".scroll-cue");
    return bar > 0 || Boolean(cue && cue.getClientRects().length > 0);
  };
  if (document.documentElement.scrollWidth > width + 0.5) {
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  for (const cell of document.querySelectorAll("table.comparison th, table.comparison td")) {
    const rect = cell.getBoundingClientRect();
    if (inView(rect)) continue;
    let el = cell.parentElement;
    while (el && !visiblyScrollable(el)) el = el.parentElement;
    if (!el) found.push(`table cell "${cell.textContent.trim()}" is out of view at ${Math.round(rect.left)}..${Math.round(rect.right)}px with no sign that it scrolls`);
  }
  for (const link of document.querySelectorAll(".site-nav a")) {
    const rects = link.getClientRects();
    if (rects.length !== 1) found.push(`nav label "${link.textContent}" is broken over ${rects.length} lines`);
    else if (!inView(rects[0])) found.push(`nav label "${link.textContent}" is off screen`);
  }
  for (const cite of document.querySelectorAll("a.citation")) {
    const before = cite.previousSibling;
    if (!before) continue;
    let rect;
    if (before.nodeType === Node.TEXT_NODE) {
      const text = before.textContent;
      const end = text.trimEnd().length;
      if (end === 0) continue;
      const range = document.createRange();
      range.setStart(before, end - 1);
      range.setEnd(before, end);
      rect = range.getBoundingClientRect();
    } else {
      const rects = before.getClientRects();
      rect = rects[rects.length - 1];
    }
    const label = cite.getClientRects()[0];
    if (rect && label && (label.top >= rect.bottom || label.bottom <= rect.top)) {
      found.push(`citation ${cite.textContent} starts a line alone`);
    }
  }
  return found;
}

const browser = await chromium.launch(launchOptions());
try {
  for (const width of [320, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(base + path, { waitUntil: "load" });
      for (const problem of await page.evaluate(phoneProblems)) problems.push({ width, path, problem });
    }
    await context.close();
  }
  const desktop = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  await desktop.goto(base + "sources/", { waitUntil: "load" });
  const starts = await desktop.evaluate(() => [...new Set([...document.querySelectorAll(".source-list dd")].map((dd) => Math.round(dd.getBoundingClientRect().left)))]);
  if (starts.length !== 1) problems.push({ width: 1024, path: "sources/", problem: `the values start at ${starts.length} different places: ${starts}` });
} finally {
  await browser.close();
}
console.log(JSON.stringify({ pages: paths.length, problems }, null, 2));
process.exitCode = problems.length === 0 ? 0 : 1;
