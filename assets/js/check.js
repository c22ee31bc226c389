/*
 * /check progressive enhancement (the checker works without it):
 *  - moves the focus to the error summary, and from its links to the field (GOV.UK pattern);
 *  - shows the questions inside <div data-show-if="NAME" data-show-value="VALUE"> only while
 *    the radio NAME has VALUE (without JavaScript they are always shown, and the server
 *    ignores them when they do not apply).
 *  - shows "operated by" as soon as a flight number whose designator several licences fly
 *    under is typed (the groups come from the data-airline-groups attribute; without
 *    JavaScript the server shows the same choice when the step is posted).
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

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // The same markup as templates/partials/check_operated_by.html.
  function operatedBy(i, designator, options, source) {
    var id = "leg" + i + "-operated-by";
    var set = el("fieldset", {
      "class": "field choices operated-by", id: id + "-group", "data-operated-by": "",
      "data-designator": designator, "aria-describedby": id + "-hint"
    });
    set.appendChild(el("legend", {}, source.getAttribute("data-legend").replace("{designator}", designator)));
    set.appendChild(el("span", { "class": "hint", id: id + "-hint" }, source.getAttribute("data-hint")));
    options.forEach(function (o, k) {
      var rid = k === 0 ? id : id + "-" + k;
      var row = el("div", { "class": "radio" });
      var input = el("input", { type: "radio", id: rid, name: "legs[" + i + "].operated_by", value: o[0] });
      input.checked = k === 0;
      row.appendChild(input);
      row.appendChild(el("label", { "for": rid }, o[1]));
      set.appendChild(row);
    });
    return set;
  }

  function initOperatedBy(source) {
    var groups;
    try {
      groups = JSON.parse(source.getAttribute("data-airline-groups") || "{}");
    } catch (e) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-operated-by-slot]"), function (slot) {
      var i = slot.getAttribute("data-operated-by-slot");
      var flight = document.getElementById("leg" + i + "-flight");
      if (!flight) {
        return;
      }
      function update() {
        var designator = flight.value.replace(/\s+/g, "").slice(0, 2).toUpperCase();
        var current = slot.querySelector("[data-operated-by]");
        var shown = current ? current.getAttribute("data-designator") : null;
        var options = Object.prototype.hasOwnProperty.call(groups, designator) ? groups[designator] : null;
        if (shown === designator && options) {
          return;
        }
        if (current) {
          slot.removeChild(current);
        }
        if (options) {
          slot.appendChild(operatedBy(i, designator, options, source));
        }
      }
      flight.addEventListener("input", update);
      flight.addEventListener("change", update);
    });
  }

  function init() {
    var groups = document.querySelector("[data-airline-groups]");
    if (groups) {
      initOperatedBy(groups);
    }
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
