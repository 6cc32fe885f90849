// yidi staff pages: a few lines of progressive enhancement. Every page
// works without this file (forms submit, pages load in full).
(function () {
  "use strict";
  function csrf() {
    var el = document.querySelector('input[name="_csrf"]');
    return el ? el.value : "";
  }
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  // Intake: pre-check related cases while typing (ID numbers, summary).
  var form = document.getElementById("intake-form");
  if (form) {
    var box = document.getElementById("precheck");
    var check = debounce(function () {
      var body = new URLSearchParams(new FormData(form));
      fetch("/intake/check", { method: "POST", body: body, headers: { "X-Csrf-Token": csrf() }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) box.innerHTML = html; });
    }, 500);
    form.addEventListener("input", function (e) {
      var n = e.target.name || "";
      if (/id_number|summary|title|phone|claims/.test(n)) check();
    });
    // Enter in a one-line field (an ID-card reader sends one after the
    // number) moves to the next field instead of submitting the form.
    form.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "Enter" || t.tagName !== "INPUT" || /^(submit|button|checkbox|radio|file)$/.test(t.type)) return;
      e.preventDefault();
      var fields = Array.prototype.filter.call(form.elements, function (el) {
        return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 && el.offsetParent !== null;
      });
      var next = fields[fields.indexOf(t) + 1];
      if (next) next.focus();
    });
    // Person lookup: a known ID number fills in the name.
    form.addEventListener("change", function (e) {
      var m = /^party_id_number_(\d+)$/.exec(e.target.name || "");
      if (!m || e.target.value.trim().length < 15) return;
      var i = m[1];
      fetch("/intake/person?id_number=" + encodeURIComponent(e.target.value.trim()), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          var hint = document.getElementById("party_hint_" + i);
          if (!p || !p.name) { if (hint) hint.textContent = ""; return; }
          var name = form.elements["party_name_" + i];
          if (name && !name.value) name.value = p.name;
          // The phone on file is offered, masked: left blank, it stays
          // the party's (the person at the counter confirms it).
          var phone = form.elements["party_phone_" + i];
          if (phone && p.masked_phone) phone.placeholder = "留空即沿用 " + p.masked_phone;
          if (hint) hint.textContent = "已登记人员：" + p.name + (p.masked_phone ? "，电话 " + p.masked_phone + "（联系电话留空即沿用）" : "") + "，既往案件 " + p.cases + " 件";
        });
    });
    // 一次性告知: show the chosen category's materials only; the others'
    // boxes are disabled so that they are not posted.
    var mats = form.querySelectorAll(".matgroup");
    if (mats.length) {
      var showMaterials = function () {
        var cat = form.elements["category"].value;
        mats.forEach(function (g) {
          var on = g.getAttribute("data-category") === cat;
          g.hidden = !on;
          g.querySelectorAll("input").forEach(function (el) { el.disabled = !on; });
        });
        var box = document.getElementById("materials");
        if (box) box.hidden = !form.querySelector('.matgroup:not([hidden])');
      };
      form.elements["category"].addEventListener("change", showMaterials);
      showMaterials();
    }
    // Add a party row without a round trip (the server renders 2 rows and
    // an "add" button that also works as a submit without JS).
    var add = document.getElementById("add-party");
    if (add) {
      add.addEventListener("click", function (e) {
        var rows = form.querySelectorAll("fieldset.party");
        var last = rows[rows.length - 1];
        var n = rows.length;
        var copy = last.cloneNode(true);
        copy.querySelectorAll("[name],[id],[for]").forEach(function (el) {
          ["name", "id", "for"].forEach(function (a) {
            var v = el.getAttribute(a);
            if (v) el.setAttribute(a, v.replace(/_\d+$/, "_" + n));
          });
          if (el.tagName === "INPUT") el.value = "";
        });
        var hint = copy.querySelector(".hint");
        if (hint) { hint.id = "party_hint_" + n; hint.textContent = ""; }
        copy.querySelector("legend").textContent = "当事人 " + (n + 1);
        last.parentNode.insertBefore(copy, last.nextSibling);
        form.elements["party_count"].value = n + 1;
        e.preventDefault();
        copy.querySelector("input").focus();
      });
    }
  }

  // Agreement: one more obligation row (instalment) without a round trip;
  // without JS the form has three blank rows, which is enough for most.
  var addOb = document.getElementById("add-ob");
  if (addOb) {
    addOb.hidden = false;
    addOb.addEventListener("click", function () {
      var rows = document.querySelectorAll("#ob-rows fieldset.obrow");
      var last = rows[rows.length - 1];
      var n = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("[id],[for]").forEach(function (el) {
        ["id", "for"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.replace(/-\d+$/, "-" + n));
        });
      });
      copy.querySelectorAll("input,select").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
      copy.querySelectorAll("p.error").forEach(function (el) { el.remove(); });
      copy.querySelector("legend").textContent = "第" + (n + 1) + "项";
      last.parentNode.insertBefore(copy, last.nextSibling);
      copy.querySelector("select,input").focus();
    });
  }

  // Receipt: switch between A4 and an 80 mm receipt printer.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () {
      document.body.classList.toggle("slip", b.getAttribute("data-print") === "slip");
      window.print();
    });
  });
  // A link to a folded form (#rule-code) unfolds it.
  function unfold() {
    var el = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", unfold);
  unfold();
})();
