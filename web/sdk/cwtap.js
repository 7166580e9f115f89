/* SPDX-License-Identifier: Apache-2.0
 * cwtap SDK v1: shows the CW-TAP green trust mark for one site.
 *   <script async src="https://TRUST-SERVER/sdk/v1/cwtap.js" data-site="SITE-ID"></script>
 * No dependencies, no cookies, no storage; the only request goes to the server this file came
 * from. Renders in a closed shadow root inside a box of fixed size, either in an element marked
 * data-cwtap-badge (reserve its size in your stylesheet: 184x56) or fixed in a corner, so the page
 * never shifts. Works under a strict CSP: styles are a constructed stylesheet, no eval.
 */
(function () {
  "use strict";
  var d = document;
  var s = d.currentScript || d.querySelector('script[data-site][src*="/sdk/v1/cwtap.js"]');
  if (!s || s.getAttribute("data-cwtap-done")) return;
  s.setAttribute("data-cwtap-done", "1");
  var site = s.getAttribute("data-site") || "";
  var origin = new URL(s.src, d.baseURI).origin;
  var T = {
    en: ["Verified supplier", "CW-TAP trust mark", "Not verified for this domain", "Trust mark not active", "Checking…", "Score"],
    zh: ["认证供应商", "CW-TAP 信任标志", "此域名未经认证", "信任标志未生效", "正在验证…", "评分"],
    th: ["ผู้จำหน่ายที่ได้รับการยืนยัน", "เครื่องหมายความน่าเชื่อถือ CW-TAP", "ไม่ได้รับการยืนยันสำหรับโดเมนนี้", "เครื่องหมายไม่มีผล", "กำลังตรวจสอบ…", "คะแนน"],
    vi: ["Nhà cung cấp đã xác minh", "Dấu tin cậy CW-TAP", "Chưa xác minh cho tên miền này", "Dấu tin cậy chưa hiệu lực", "Đang kiểm tra…", "Điểm"],
    id: ["Pemasok terverifikasi", "Tanda kepercayaan CW-TAP", "Tidak terverifikasi untuk domain ini", "Tanda kepercayaan tidak aktif", "Memeriksa…", "Skor"],
    ms: ["Pembekal disahkan", "Tanda kepercayaan CW-TAP", "Tidak disahkan untuk domain ini", "Tanda kepercayaan tidak aktif", "Menyemak…", "Skor"],
    fil: ["Beripikadong supplier", "CW-TAP trust mark", "Hindi beripikado para sa domain na ito", "Hindi aktibo ang trust mark", "Sinusuri…", "Iskor"]
  };
  var lang = (d.documentElement.lang || navigator.language || "en").toLowerCase();
  var own = function (k) { return Object.prototype.hasOwnProperty.call(T, k) ? T[k] : null; };
  var t = own(lang) || own(lang.split("-")[0]) || (lang.indexOf("tl") === 0 ? T.fil : T.en);
  var CSS = ":host{all:initial;display:block;width:184px;height:56px;contain:strict}" +
    "a,div.b{box-sizing:border-box;display:flex;align-items:center;gap:6px;width:184px;height:56px;padding:4px 8px;" +
    "border-radius:8px;font:600 11px/13px system-ui,sans-serif;text-decoration:none;border:2px solid #5c6670;" +
    "background:#fff;color:#1f2328}" +
    "a.g{border-color:#116329;background:#eafbee;color:#0b3d1a}a:focus-visible{outline:3px solid #0969da;outline-offset:-3px}" +
    "i{flex:none;width:24px;height:24px;border-radius:50%;background:#5c6670;color:#fff;font:700 14px/24px system-ui;" +
    "text-align:center;font-style:normal}a.g i{background:#116329}span{min-width:0;max-height:39px;overflow:hidden}" +
    "b{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;overflow:hidden;font-weight:600}" +
    "small{display:block;font:400 10px/13px system-ui,sans-serif}";
  var host = d.querySelector("[data-cwtap-badge]");
  if (!host) {
    host = d.createElement("div");
    host.style.position = "fixed";
    host.style.right = "16px";
    host.style.bottom = "16px";
    host.style.zIndex = "2147483000";
    (d.body || d.documentElement).appendChild(host);
  }
  host.style.width = "184px";
  host.style.height = "56px";
  var root = host.attachShadow ? host.attachShadow({ mode: "closed" }) : host;
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    var l = d.createElement("link");
    l.rel = "stylesheet";
    l.href = origin + "/sdk/v1/cwtap.css";
    root.appendChild(l);
  }
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function render(state, data) {
    var green = state === "green";
    var box = el(green ? "a" : "div", green ? "g" : "b");
    var title = green ? t[0] : state === "foreign" ? t[2] : state === "wait" ? t[4] : t[3];
    var sub = green && data.grade ? t[5] + " " + data.grade + " · " + t[1] : t[1];
    box.appendChild(el("i", "", green ? "✓" : "!"));
    // At most three 13px lines fit: the title on one or two, then the rest (the score first).
    var txt = el("span");
    txt.appendChild(el("b", "", title));
    txt.appendChild(el("small", "", sub));
    box.appendChild(txt);
    box.setAttribute("role", green ? "link" : "status");
    box.setAttribute("aria-label", title + ". " + sub);
    if (green) {
      box.href = data.verify_url;
      box.target = "_blank";
      box.rel = "noopener";
    }
    while (root.lastChild && root.lastChild.nodeName !== "LINK") root.removeChild(root.lastChild);
    root.appendChild(box);
  }
  render("wait", {});
  fetch(origin + "/v1/badge/" + encodeURIComponent(site), { credentials: "omit", mode: "cors", cache: "no-cache" })
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (b) {
      var ok = b.state === "green" && b.verified_for_origin === true &&
        typeof b.verify_url === "string" && b.verify_url.indexOf(origin + "/") === 0;
      render(ok ? "green" : b.verified_for_origin === false ? "foreign" : "off", b);
    })
    .catch(function () { render("off", {}); });
})();
