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

  function init() {
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
