// Open a page in headless Chromium (Debian's, driven by playwright-core) and report, as
// JSON on stdout, what the tests check: marks, timeline events, horizontal overflow, the
// axe-core accessibility violations, the height of the content and what each iframe
// shows.
//
//   node tests/browser/inspect.mjs URL [--width 1280] [--screenshot FILE] [--full-page]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const url = args[0];
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const width = Number(option("--width", "1280"));
const screenshot = option("--screenshot", null);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // As the machine's probe starts it: no sandbox as root, no background network.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const blocked = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) blocked.push(message.text());
  });
  const response = await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(300); // iframes settle
  const facts = await page.evaluate(() => ({
    status: null,
    title: document.title,
    marks: [...document.querySelectorAll("main mark")].map((m) => ({
      organization: m.dataset.organization, form: m.dataset.form, text: m.textContent,
    })),
    paragraphs: [...document.querySelectorAll("main section p")].map((p) => p.textContent),
    evidence: [...document.querySelectorAll("a.evidence")].map((a) => a.getAttribute("href")),
    timelineEvents: document.querySelectorAll("svg.timeline g.event").length,
    overflows: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    contentHeight: Math.ceil(document.body.getBoundingClientRect().bottom),
    scripts: document.querySelectorAll("script:not([type='application/ld+json'])").length,
    alerts: window.__alerts || 0,
  }));
  facts.status = response.status();
  facts.cspReports = blocked;
  facts.frames = [];
  for (const frame of page.frames().slice(1)) {
    let marks = null;
    try {
      marks = await frame.evaluate(() => document.querySelectorAll("mark").length);
    } catch (error) {
      marks = null;
    }
    facts.frames.push({ url: frame.url(), marks });
  }
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const axe = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }));
  facts.axe = axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: args.includes("--full-page") });
  }
  console.log(JSON.stringify(facts));
} finally {
  await browser.close();
}
