// oauth1-doctor workbench: a view over the JSON API (POST /api/explain,
// /api/diff, /api/hunt, /api/align). Nothing is signed or decided here:
// the page sends what is typed and draws the library's answer.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}

async function api(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let data;
  try {
    data = await r.json();
  } catch (_) {
    data = { error: { message: "the server answered " + r.status } };
  }
  return { ok: r.ok, data };
}

// An endpoint that answers text (`/api/sign` with output header or curl).
async function apiText(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return r.ok ? r.text() : null;
}

function debounce(fn, ms) {
  let t = null;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

// ---------------------------------------------------------------- tabs

const TABS = ["explain", "diff", "hunt", "live"];

function showTab() {
  const name = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "explain";
  for (const t of TABS) {
    $(t).hidden = t !== name;
    const link = $("tab-" + t);
    if (t === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (name === "live") liveConnect();
}

// ---------------------------------------------------------------- errors

// Which textarea or input an error's `field` names, per tab.
const FIELDS = {
  explain: { request: "explain-request", private_key: "explain-private-key", public_key: "explain-public-key", "parts.method": "part-method", "parts.url": "part-url", "parts.authorization": "part-authorization", "parts.body": "part-body" },
  diff: { good: "diff-good", candidate: "diff-candidate", server_response: "diff-response" },
  hunt: { request: "hunt-request", target: "hunt-target" },
};

function showError(tab, err) {
  const box = $(tab + "-error");
  box.replaceChildren();
  if (!err) {
    box.hidden = true;
    return;
  }
  box.append(el("strong", { text: "Cannot read it: " }), document.createTextNode(err.message));
  const id = err.field && FIELDS[tab][err.field];
  if (id && err.line) {
    const lines = $(id).value.split("\n");
    const line = lines[err.line - 1];
    if (line !== undefined) {
      const col = Math.max(1, err.column || 1);
      const gutter = String(err.line);
      const text = `${gutter} | ${line}\n${" ".repeat(gutter.length)} | ${" ".repeat(col - 1)}^ line ${err.line}, column ${col}`;
      box.append(el("pre", { "data-testid": "error-caret", text }));
    }
  }
  box.hidden = false;
}

// ---------------------------------------------------------------- copy

document.addEventListener("click", (e) => {
  const b = e.target.closest("button[data-copy]");
  if (!b) return;
  const text = $(b.dataset.copy).textContent;
  const done = () => {
    const old = b.textContent;
    b.textContent = "Copied";
    setTimeout(() => (b.textContent = old), 1200);
  };
  if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => {});
});

// ---------------------------------------------------------------- catalogue

// The hunt's catalogue of signer mistakes, by id (GET /api/catalogue).
let CATALOGUE = {};

async function loadCatalogue() {
  const r = await fetch("/api/catalogue");
  for (const m of (await r.json()).mistakes) CATALOGUE[m.id] = m;
}

// What a mistake is and how to fix it, with its RFC section.
function mistakeText(id) {
  const m = CATALOGUE[id];
  if (!m) return null;
  return el("div", { class: "fix" },
    document.createTextNode(m.description + ". "),
    el("strong", { text: "Fix: " }),
    document.createTextNode(m.fix + " (" + m.section + ")"));
}

// ---------------------------------------------------------------- explain

let explainSeq = 0;
let lastExplain = null;

function explainBody() {
  const body = {
    consumer_secret: $("explain-cs").value,
    token_secret: $("explain-ts").value,
    private_key: $("explain-private-key").value,
    public_key: $("explain-public-key").value,
  };
  if ($("mode-parts").checked) {
    body.parts = {
      method: $("part-method").value,
      url: $("part-url").value,
      authorization: $("part-authorization").value,
      body: $("part-body").value,
      content_type: $("part-content-type").value,
    };
  } else {
    body.request = $("explain-request").value;
  }
  return body;
}

async function explain() {
  const seq = ++explainSeq;
  const empty = $("mode-parts").checked ? !$("part-url").value.trim() : !$("explain-request").value.trim();
  if (empty) {
    showError("explain", null);
    $("explain-out").hidden = true;
    return;
  }
  const { ok, data } = await api("/api/explain", explainBody());
  if (seq !== explainSeq) return;
  if (!ok) {
    showError("explain", data.error);
    $("explain-out").hidden = true;
    return;
  }
  showError("explain", null);
  drawExplain(data);
  drawSigned(seq, data);
}

// The corrected Authorization header and cURL command (`sign`'s output).
async function drawSigned(seq, w) {
  const box = $("explain-signed");
  if (!w.signature || w.scheme !== "oauth1") {
    box.hidden = true;
    return;
  }
  const body = explainBody();
  const [header, curl] = await Promise.all([
    apiText("/api/sign", { ...body, output: "header" }),
    apiText("/api/sign", { ...body, output: "curl" }),
  ]);
  if (seq !== explainSeq) return;
  box.hidden = !header;
  $("explain-header").textContent = (header || "").trim();
  $("explain-curl").textContent = (curl || "").trim();
}

// The base string's three parts (RFC 5849 §3.4.1.1): the encoded URI and
// parameters hold no raw "&", so the first two split them.
function drawBaseString(code, s) {
  code.replaceChildren();
  const a = s.indexOf("&");
  const b = a < 0 ? -1 : s.indexOf("&", a + 1);
  if (a < 0 || b < 0) {
    code.textContent = s;
    return;
  }
  code.append(
    el("span", { class: "part-method", title: "method", text: s.slice(0, a) }),
    el("span", { class: "part-amp", text: "&" }),
    el("span", { class: "part-uri", title: "base string URI", text: s.slice(a + 1, b) }),
    el("span", { class: "part-amp", text: "&" }),
    el("span", { class: "part-params", title: "normalized parameters", text: s.slice(b + 1) }),
  );
}

function drawExplain(w) {
  lastExplain = w;
  $("explain-out").hidden = false;
  if (w.scheme && w.scheme !== "oauth1") {
    $("explain-signature").textContent = "(" + w.scheme + " request: no OAuth 1.0 signature)";
    setBadge($("explain-valid"), null, "");
    return;
  }
  const sig = w.signature || "";
  $("explain-signature").textContent = sig || "(not computed)";
  $("explain-signature-2").textContent = sig || "(not computed)";
  $("explain-carried").textContent = w.request_signature || "(none)";
  $("explain-method").textContent = w.signature_method_as_sent || "(none)";
  $("explain-not-computed").textContent = w.not_computed || "";
  setBadge($("explain-valid"), w.valid, w.request_signature ? "" : "no oauth_signature to check");
  const tbody = $("explain-params").tBodies[0];
  tbody.replaceChildren();
  for (const p of w.parameters || []) {
    tbody.append(el("tr", {}, el("td", { text: p.name }), el("td", { text: p.value }), el("td", { text: p.source }), el("td", { text: p.encoded_name }), el("td", { text: p.encoded_value })));
  }
  $("explain-normalized").textContent = w.normalized_parameters;
  drawBaseString($("explain-base-string"), w.base_string);
  drawKey();
  const notes = $("explain-notes");
  notes.replaceChildren();
  for (const v of w.violations || []) {
    notes.append(el("li", {}, el("code", { text: v.code }), document.createTextNode(" " + v.message + (v.section ? " (" + v.section + ")" : ""))));
  }
  $("explain-notes-box").hidden = notes.children.length === 0;
}

function setBadge(b, valid, why) {
  b.className = "badge " + (valid === true ? "valid" : valid === false ? "invalid" : "unknown");
  b.textContent = valid === true ? "valid" : valid === false ? "invalid" : "cannot tell" + (why ? ": " + why : "");
}

// RFC 5849 §3.6 percent-encoding, for showing the key the user typed
// (display only: the signature is the server's).
function enc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function drawKey() {
  const w = lastExplain;
  const revealed = $("reveal-key").getAttribute("aria-pressed") === "true";
  const key = $("explain-key");
  if (!w || !w.key) {
    key.textContent = w && w.signature_method && String(w.signature_method).startsWith("RSA") ? "(RSA: the private key)" : "(no consumer secret given)";
    return;
  }
  key.textContent = revealed ? enc($("explain-cs").value) + "&" + enc($("explain-ts").value) : w.key;
}

async function loadPresets() {
  const r = await fetch("/presets.json");
  const presets = await r.json();
  const select = $("preset");
  for (const p of presets) select.append(el("option", { value: p.id, text: p.title }));
  select.addEventListener("change", async () => {
    const p = presets.find((x) => x.id === select.value);
    $("preset-source").textContent = p ? "Expected signature from: " + p.source : "";
    if (!p) return;
    $("mode-paste").checked = true;
    setMode();
    $("explain-request").value = p.request;
    $("explain-cs").value = p.consumer_secret || "";
    $("explain-ts").value = p.token_secret || "";
    $("explain-public-key").value = "";
    if (p.private_key === "demo") {
      $("explain-private-key").value = await (await fetch("/demo-rsa.pem")).text();
      $("rsa-keys").open = true;
    } else {
      $("explain-private-key").value = "";
    }
    explain();
  });
}

function setMode() {
  const parts = $("mode-parts").checked;
  $("parts-box").hidden = !parts;
  $("paste-box").hidden = parts;
}

// ---------------------------------------------------------------- diff

let diffSeq = 0;

async function drawAligned(box, good, candidate, goodName, candName) {
  box.replaceChildren();
  if (!good || !candidate) return;
  const { ok, data } = await api("/api/align", { good, candidate });
  if (!ok) return;
  const g = el("div", { class: "line", id: box.id + "-good" });
  const c = el("div", { class: "line", id: box.id + "-candidate" });
  for (const s of data.spans) {
    const cls = s.kind === "changed" ? "chg" : s.kind === "volatile" ? "vol" : null;
    for (const [side, text] of [[g, s.good], [c, s.candidate]]) {
      if (!text) continue;
      side.append(cls ? el("mark", { class: cls, text }) : document.createTextNode(text));
    }
  }
  const copy = (id) => el("button", { type: "button", class: "copy", "data-copy": id, text: "Copy" });
  box.append(el("span", { class: "who", text: goodName }), g, copy(g.id), el("span", { class: "who", text: candName }), c, copy(c.id));
}

async function diff() {
  const seq = ++diffSeq;
  const body = {
    good: $("diff-good").value,
    candidate: $("diff-candidate").value,
    server_response: $("diff-response").value,
    consumer_secret: $("diff-cs").value || null,
    token_secret: $("diff-cs").value ? $("diff-ts").value : null,
  };
  if (!body.candidate.trim() || (!body.good.trim() && !body.server_response.trim())) {
    showError("diff", null);
    $("diff-out").hidden = true;
    return;
  }
  const { ok, data } = await api("/api/diff", body);
  if (seq !== diffSeq) return;
  if (!ok) {
    showError("diff", data.error);
    $("diff-out").hidden = true;
    return;
  }
  showError("diff", null);
  $("diff-out").hidden = false;
  const v = $("diff-verdict");
  const cause = data.cause;
  let text = (data.situation || (data.equivalent ? "equivalent" : "different")).replace(/-/g, " ");
  if (cause) text += ": " + (cause.mistake || cause.ids.join(" + ")) + (cause.location ? " at " + cause.location : "") + " — " + cause.message;
  else if (data.equivalent) text += ": they sign the same content";
  v.textContent = text;
  v.className = "verdict " + (data.passed ? "good" : "bad");
  const list = $("diff-findings");
  list.replaceChildren();
  for (const f of data.findings || []) {
    const sides = el("div", { class: "sides" });
    if (f.good !== null && f.good !== undefined) sides.append(el("span", { text: "known-good" }), el("code", { text: f.good }));
    if (f.candidate !== null && f.candidate !== undefined) sides.append(el("span", { text: "candidate" }), el("code", { text: f.candidate }));
    list.append(
      el("li", { "data-testid": "finding" },
        el("span", { class: "id", text: f.id }),
        f.mistake ? document.createTextNode(" (mistake " + f.mistake + ")") : null,
        f.location ? el("span", { class: "where", text: " at " + f.location }) : null,
        el("div", { text: f.message }),
        f.mistake ? mistakeText(f.mistake) : null,
        sides.children.length ? sides : null),
    );
  }
  const b = data.base_strings || {};
  await drawAligned($("diff-aligned"), b.good, b.candidate, data.reference === "server" ? "server" : "known-good", "candidate");
}

// ---------------------------------------------------------------- hunt

let huntSeq = 0;

async function hunt() {
  const seq = ++huntSeq;
  const request = $("hunt-request").value;
  if (!request.trim()) {
    showError("hunt", null);
    $("hunt-out").hidden = true;
    return;
  }
  $("hunt-verdict").textContent = "Hunting…";
  const { ok, data } = await api("/api/hunt", {
    request,
    consumer_secret: $("hunt-cs").value,
    token_secret: $("hunt-ts").value,
    target: $("hunt-target").value,
    expected_base_string: $("hunt-base").value,
  });
  if (seq !== huntSeq) return;
  if (!ok) {
    showError("hunt", data.error);
    $("hunt-out").hidden = true;
    return;
  }
  showError("hunt", null);
  $("hunt-out").hidden = false;
  const v = $("hunt-verdict");
  if (data.matched && data.mistakes.length) {
    v.textContent = "Reproduced: the signer made " + data.mistakes.join(" + ");
    v.className = "verdict bad";
  } else if (data.matched) {
    v.textContent = "Reproduced by the RFC's own steps: no signer mistake";
    v.className = "verdict good";
  } else {
    v.textContent = "Not reproduced by any known mistake (" + data.tried + " variants tried)";
    v.className = "verdict";
  }
  const list = $("hunt-mistakes");
  list.replaceChildren();
  (data.details || []).forEach((combo, i) => {
    const ids = combo.map((d) => d.id).join(" + ");
    list.append(el("li", { "data-testid": "mistake" },
      el("span", { class: "id", text: ids }),
      document.createTextNode(i === 0 ? " (the likeliest)" : " (also reproduces it)"),
      el("div", { class: "where", text: combo.map((d) => d.stage + ": " + d.form).join("; ") }),
      ...combo.map((d) => mistakeText(d.id))));
  });
  for (const s of data.suggestions || []) list.append(el("li", { text: typeof s === "string" ? s : JSON.stringify(s) }));
  const show = data.matched && data.signer_base_string && data.base_string && data.signer_base_string !== data.base_string;
  $("hunt-aligned-box").hidden = !show;
  if (show) await drawAligned($("hunt-aligned"), data.base_string, data.signer_base_string, "RFC", "signer");
}

// ---------------------------------------------------------------- live

let liveSource = null;

async function liveStatus() {
  const r = await fetch("/api/live/status");
  const s = await r.json();
  drawLiveStatus(s);
  return s;
}

function drawLiveStatus(s) {
  $("live-status").textContent = s.url
    ? "Listen server running on " + s.url + " — send requests there."
    : s.available ? "The listen server is not running." : "No listen server in this workbench.";
  $("live-start").hidden = Boolean(s.url) || !s.available;
}

async function liveConnect() {
  const s = await liveStatus();
  if (!s.url || liveSource) return;
  liveSource = new EventSource("/api/live");
  liveSource.addEventListener("entry", (e) => addLiveEntry(JSON.parse(e.data)));
}

function addLiveEntry(entry) {
  const r = entry.record;
  const ok = r.response_status < 300;
  const open = (tab) => {
    if (tab === "explain") {
      $("mode-paste").checked = true;
      setMode();
      $("preset").value = "";
      $("explain-request").value = entry.raw;
      location.hash = "#explain";
      explain();
    } else {
      $("diff-candidate").value = entry.raw;
      location.hash = "#diff";
      diff();
    }
  };
  const bExplain = el("button", { type: "button", text: "Open in Explain" });
  bExplain.addEventListener("click", () => open("explain"));
  const bDiff = el("button", { type: "button", text: "Open in Diff" });
  bDiff.addEventListener("click", () => open("diff"));
  $("live-list").prepend(
    el("li", { "data-testid": "live-entry" },
      el("span", { class: "st " + (ok ? "ok" : "no"), text: String(r.response_status) }),
      el("span", { class: "what", text: r.method + " " + entry.target }),
      el("span", { class: "note", text: "#" + r.seq + " " + r.received_at }),
      bExplain, bDiff,
      el("span", { class: "headline", text: entry.headline })),
  );
}

// ---------------------------------------------------------------- wiring

function init() {
  window.addEventListener("hashchange", showTab);
  showTab();
  const ex = debounce(explain, 250);
  for (const id of ["explain-request", "part-method", "part-url", "part-authorization", "part-body", "part-content-type", "explain-cs", "explain-ts", "explain-private-key", "explain-public-key"]) {
    $(id).addEventListener("input", ex);
  }
  for (const r of document.querySelectorAll("input[name=mode]")) {
    r.addEventListener("change", () => {
      setMode();
      explain();
    });
  }
  $("explain-request").addEventListener("input", () => ($("preset").value = ""));
  $("reveal-key").addEventListener("click", () => {
    const b = $("reveal-key");
    const on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(on));
    b.textContent = on ? "Mask" : "Reveal";
    drawKey();
  });
  const df = debounce(diff, 350);
  for (const id of ["diff-good", "diff-candidate", "diff-response", "diff-cs", "diff-ts"]) $(id).addEventListener("input", df);
  const hf = debounce(hunt, 600);
  for (const id of ["hunt-request", "hunt-cs", "hunt-ts", "hunt-target", "hunt-base"]) $(id).addEventListener("input", hf);
  for (const f of document.querySelectorAll("form")) f.addEventListener("submit", (e) => e.preventDefault());
  $("live-start").addEventListener("click", async () => {
    const { ok, data } = await api("/api/live/start", {});
    if (ok) {
      drawLiveStatus(data);
      liveConnect();
    } else {
      $("live-status").textContent = data.error.message;
    }
  });
  loadPresets();
  loadCatalogue();
}

document.addEventListener("DOMContentLoaded", init);
