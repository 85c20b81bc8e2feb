// Opens a page of `briefing serve` while the site fails to build, on a 390 px phone, and checks
// the error overlay as a reader would: it hides the page entirely (opaque), every message shows
// whole (nothing cut off sideways), and both Esc and its button dismiss it. Prints JSON; exit
// code 1 on any problem.
// Usage: node tests/browser/overlay.mjs URL
import { chromium } from "playwright-core";
import { launchOptions } from "./chromium.mjs";

const [url] = process.argv.slice(2);
const problems = [];
const browser = await chromium.launch(launchOptions());
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  const look = await page.evaluate(() => {
    const overlay = document.getElementById("briefing-error-overlay");
    if (!overlay) return null;
    const rect = overlay.getBoundingClientRect();
    const button = overlay.querySelector("button");
    const buttonRect = button ? button.getBoundingClientRect() : null;
    return {
      background: getComputedStyle(overlay).backgroundColor,
      covers: rect.left <= 0 && rect.top <= 0 && rect.right >= innerWidth && rect.bottom >= innerHeight,
      sideways: overlay.scrollWidth - overlay.clientWidth,
      clipped: [...overlay.querySelectorAll("pre")].filter((pre) => pre.scrollWidth > pre.clientWidth + 1).length,
      button: button ? button.textContent : null,
      buttonInView: Boolean(buttonRect && buttonRect.left >= 0 && buttonRect.right <= innerWidth && buttonRect.top >= 0),
      text: overlay.innerText,
    };
  });
  if (!look) {
    problems.push("no overlay on the page");
  } else {
    const alpha = look.background.startsWith("rgba") ? Number(look.background.split(",")[3].replace(")", "")) : 1;
    if (alpha < 1) problems.push(`the overlay lets the page show through: ${look.background}`);
    if (!look.covers) problems.push("the overlay does not cover the screen");
    if (look.sideways > 0) problems.push(`the overlay is ${look.sideways}px wider than the screen`);
    if (look.clipped > 0) problems.push(`${look.clipped} message(s) cut off sideways`);
    if (!look.button || !look.buttonInView) problems.push(`no dismiss button in view: ${look.button}`);
    await page.keyboard.press("Escape");
    if (await page.$("#briefing-error-overlay")) problems.push("Esc does not dismiss the overlay");
    await page.reload({ waitUntil: "load" });
    if (!(await page.$("#briefing-error-overlay"))) problems.push("the overlay is not back after a reload");
    const button = await page.$("#briefing-error-overlay button");
    if (button) await button.click();
    if (await page.$("#briefing-error-overlay")) problems.push("the button does not dismiss the overlay");
  }
  console.log(JSON.stringify({ problems, text: look && look.text }, null, 2));
} finally {
  await browser.close();
}
process.exitCode = problems.length === 0 ? 0 : 1;
