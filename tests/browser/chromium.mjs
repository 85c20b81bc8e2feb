// Launch options for Debian's Chromium: headless, sandbox off (CI runs as root), and none of the
// background networking that this machine's closed network refuses. Playwright gives each
// launch a fresh, empty profile of its own.
export function launchOptions() {
  return {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  };
}
