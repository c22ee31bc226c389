/*
 * /check progressive enhancement (the checker works without it):
 *  - moves the focus to the error summary, and from its links to the field (GOV.UK pattern);
 *  - shows the questions inside <div data-show-if="NAME" data-show-value="VALUE"> only while
 *    the radio NAME has VALUE (without JavaScript they are always shown, and the server
 *    ignores them when they do not apply).
 * No inline script, no innerHTML: CSP `script-src 'self'` compatible.
 */
(function () {
  "use strict";

  function radios(form, name) {
    return form.querySelectorAll('input[type="radio"][name="' + name + '"]');
  }

  function initReveal(block) {
    var form = block.closest("form");
    if (!form) {
      return;
    }
    var name = block.getAttribute("data-show-if");
    var value = block.getAttribute("data-show-value");
    var inputs = radios(form, name);
    function update() {
      var shown = false;
      Array.prototype.forEach.call(inputs, function (r) {
        if (r.checked && r.value === value) {
          shown = true;
        }
      });
      block.hidden = !shown;
    }
    Array.prototype.forEach.call(inputs, function (r) {
      r.addEventListener("change", update);
    });
    update();
  }

  function initSummary(summary) {
    summary.focus();
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        e.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus();
      }
    });
  }

  // Fills empty scheduled times from GET /api/v1/flights/<number>/<date> once a flight's
  // number and date are typed (the server does the same for a form posted without JS).
  function initFlightLookup(note) {
    var pending = null;
    function hhmm(t) {
      return typeof t === "string" && t.length >= 16 ? t.slice(11, 16) : "";
    }
    function lookup(i) {
      var flight = document.getElementById("leg" + i + "-flight");
      var date = document.getElementById("leg" + i + "-date");
      var dep = document.getElementById("leg" + i + "-dep-time");
      var arr = document.getElementById("leg" + i + "-arr-time");
      if (!flight || !date || !dep || !arr || dep.value || arr.value) {
        return;
      }
      var number = flight.value.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9]{2}\d{1,4}[A-Za-z]?$/.test(number) || !/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var url = "/api/v1/flights/" + encodeURIComponent(number) + "/" + date.value +
        "?lang=" + encodeURIComponent(document.documentElement.lang || "fr");
      fetch(url, { headers: { Accept: "application/json" }, signal: pending ? pending.signal : undefined })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s || !s.departure || !s.arrival || dep.value || arr.value) {
            return;
          }
          var d = hhmm(s.departure.scheduled);
          var a = hhmm(s.arrival.scheduled);
          if (d && a) {
            dep.value = d;
            arr.value = a;
            note.textContent = note.getAttribute("data-filled");
          }
        })
        .catch(function () { /* the passenger types the times */ });
    }
    for (var i = 0; i < 4; i += 1) {
      ["flight", "date"].forEach(function (name) {
        var input = document.getElementById("leg" + i + "-" + name);
        if (input) {
          input.addEventListener("change", lookup.bind(null, i));
        }
      });
    }
  }

  function init() {
    var note = document.getElementById("flight-lookup-status");
    if (note && typeof fetch === "function") {
      initFlightLookup(note);
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-show-if]"), initReveal);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      initSummary(summary);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
