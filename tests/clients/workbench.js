// Drives the `serve` workbench in a real headless Chromium (Debian's, via
// playwright-core) and checks what a user sees. Run by tests/serve.rs:
//
//   node workbench.js CONFIG.json
//
// CONFIG holds the page URL, the screenshot folder, the presets with their
// expected signatures (published vectors and the Python reference, never
// oauth1-doctor's own output), and the Diff, Hunt and Live inputs. Prints
// one line per check; exits 1 on the first failure.
"use strict";

const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const modules = process.env.OAUTH1_DOCTOR_NODE_MODULES;
const { chromium } = require(path.join(modules, "playwright-core"));
const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");

const TIMEOUT = 15000;

function check(cond, what) {
  if (!cond) throw new Error("FAILED: " + what);
  console.log("ok: " + what);
}

async function text(page, testid) {
  return (await page.locator(`[data-testid="${testid}"]`).first().textContent()) || "";
}

async function waitText(page, testid, pred, what) {
  const loc = page.locator(`[data-testid="${testid}"]`).first();
  const deadline = Date.now() + TIMEOUT;
  let last = "";
  while (Date.now() < deadline) {
    last = (await loc.isVisible()) ? (await loc.textContent()) || "" : "";
    if (pred(last)) {
      console.log("ok: " + what);
      return last;
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`FAILED: ${what} (last seen: ${JSON.stringify(last.slice(0, 300))})`);
}

async function axe(page, tab) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(serious.length === 0, `axe-core: no serious or critical violations on #${tab} ${JSON.stringify(serious)}`);
}

async function shot(page, name, fullPage = false) {
  await page.screenshot({ path: path.join(config.screenshots, name + ".png"), fullPage });
}

async function openTab(page, tab) {
  await page.click(`#tab-${tab}`);
  await page.waitForSelector(`#${tab}:not([hidden])`);
}

async function main() {
  fs.mkdirSync(config.screenshots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.OAUTH1_DOCTOR_CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => {
      // A 400 answer to the unreadable request below is expected.
      if (m.type() === "error" && !m.text().includes("status of 400")) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(config.url + "#explain");

    // Explain: every preset shows its expected signature.
    for (const p of config.presets) {
      await page.selectOption("#preset", p.id);
      await waitText(page, "signature", (t) => t === p.expected, `preset ${p.id} shows ${p.expected.slice(0, 20)}…`);
      const valid = await text(page, "valid");
      check(valid === "valid", `preset ${p.id}: the request's own signature is valid`);
      const base = await text(page, "base-string");
      check(base.split("&").length >= 3, `preset ${p.id}: base string shown`);
    }
    // The base string's three parts are told apart.
    check((await page.locator('[data-testid="base-string"] .part-uri').count()) === 1, "the base string URI is marked as its own part");
    // The key is masked until revealed.
    await page.selectOption("#preset", "x-twitter");
    await waitText(page, "signature", (t) => t === "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", "x-twitter again");
    await waitText(page, "header", (t) => t.includes('oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"'), "the signed Authorization header is offered");
    check((await text(page, "curl")).startsWith("curl "), "the signed request is offered as a cURL command");
    const masked = await text(page, "key");
    check(masked.includes("<consumer secret") && !masked.includes(config.twitter_consumer_secret), "the key is masked");
    await shot(page, "explain");
    await shot(page, "explain-full", true);
    await axe(page, "explain");

    // Parts form: the same signature as the pasted request.
    const rfc = config.presets.find((p) => p.id === "rfc5849-1.2");
    await page.selectOption("#preset", rfc.id);
    await waitText(page, "signature", (t) => t === rfc.expected, "rfc preset pasted");
    await page.check("#mode-parts");
    await page.fill("#part-method", "GET");
    await page.fill("#part-url", config.parts.url);
    await page.fill("#part-authorization", config.parts.authorization);
    await page.fill("#part-body", "");
    await page.fill("#part-content-type", "");
    await waitText(page, "signature", (t) => t === rfc.expected, "the parts form gives the pasted request's signature");
    await shot(page, "explain-parts");

    // An unreadable request: the error says where, with a caret.
    await page.check("#mode-paste");
    await page.fill("#explain-request", "curl -H 'Authorization: OAuth a=\"b\"' 'https://api.example.com/\n");
    await waitText(page, "error-caret", (t) => t.includes("^"), "a reader error is shown with a caret");

    // Narrow window: still usable (no horizontal scroll of the page).
    await page.setViewportSize({ width: 420, height: 800 });
    await page.selectOption("#preset", "x-twitter");
    await waitText(page, "signature", (t) => t === "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", "x-twitter at 420 px");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 1, `no horizontal page scroll at 420 px (${overflow})`);
    await shot(page, "explain-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Diff: Postman's cURL against a signer's base string with one mistake.
    await openTab(page, "diff");
    await page.fill('[data-testid="good"]', config.diff.good);
    await page.fill('[data-testid="candidate"]', config.diff.candidate);
    await waitText(page, "verdict", (t) => t.includes(config.diff.mistake), `the Diff verdict names ${config.diff.mistake}`);
    const findings = await page.locator('[data-testid="finding"]').count();
    check(findings >= 1, `${findings} finding(s) listed with their ids`);
    await page.waitForSelector("#diff-aligned mark.chg");
    check((await page.locator("#diff-aligned mark.chg").count()) >= 1, "the differing spans are highlighted");
    await shot(page, "diff");
    await axe(page, "diff");
    // Dark mode (prefers-color-scheme): readable too.
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "diff-dark");
    await axe(page, "diff (dark)");
    await page.emulateMedia({ colorScheme: "light" });

    // Hunt: the injected mistake is named. Reached with the keyboard.
    await page.focus("#tab-diff");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#hunt:not([hidden])");
    console.log("ok: the Hunt tab is reached with Tab and Enter");
    await page.fill('[data-testid="hunt-consumer-secret"]', config.hunt.consumer_secret);
    await page.fill('[data-testid="hunt-token-secret"]', config.hunt.token_secret);
    await page.fill('[data-testid="hunt-request"]', config.hunt.request);
    await waitText(page, "hunt-result", (t) => t.includes("Reproduced") && t.includes(config.hunt.mistake), `the Hunt names ${config.hunt.mistake}`);
    await page.waitForSelector("#hunt-aligned mark.chg");
    await shot(page, "hunt");
    await axe(page, "hunt");

    // Live: a request sent with curl to the listen server appears.
    await openTab(page, "live");
    const status = await page.waitForSelector("#live-status:has-text('running on')");
    const listenUrl = (await status.textContent()).match(/https?:\/\/[^\s]+/)[0];
    execFileSync("curl", ["-s", "-o", "/dev/null", "-X", "POST", listenUrl + "/1.1/statuses/update.json?include_entities=true",
      "-H", "Content-Type: application/x-www-form-urlencoded", "-H", "Authorization: " + config.live.authorization,
      "--data", config.live.body]);
    await waitText(page, "live-entry", (t) => t.includes("/1.1/statuses/update.json"), "the curl request appears in Live");
    await shot(page, "live");
    await axe(page, "live");
    await page.click('[data-testid="live-entry"] >> text=Open in Explain');
    await page.waitForSelector("#explain:not([hidden])");
    const pasted = await page.inputValue('[data-testid="request"]');
    check(pasted.includes("statuses/update.json"), "a Live entry opens in Explain");
    await waitText(page, "base-string", (t) => t.startsWith("POST&"), "the Live request is explained");

    check(problems.length === 0, `no console errors or CSP violations ${JSON.stringify(problems)}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
