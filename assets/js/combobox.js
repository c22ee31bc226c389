/*
 * Airport autocomplete: WAI-ARIA 1.2 combobox (list autocomplete, manual selection), see
 * https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/
 *
 * Progressively enhances every <input data-airport-combobox>. Without JavaScript, or when the
 * API fails, the input stays a plain text field and the server resolves what was typed.
 *
 *   <label for="from">Departure airport</label>
 *   <input id="from" name="from" type="text" data-airport-combobox
 *          data-code-field="from_iata"                (optional: hidden input for the IATA code)
 *          data-msg-results="%{count} résultats"      (announced in a polite live region)
 *          data-msg-result-one="1 résultat"           (optional singular)
 *          data-msg-none="Aucun aéroport trouvé"
 *          data-endpoint="/api/v1/airports/search"    (optional)
 *          data-min-chars="2">                        (optional)
 *
 * No inline script or style, no innerHTML with data: CSP `script-src 'self'` compatible.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var LIMIT = 8;
  var DEFAULT_ENDPOINT = "/api/v1/airports/search";
  var MAX_BACKOFF_MS = 30000;
  var counter = 0;

  /* Accent- and case-folded form of one character (NFD, combining marks removed). */
  function foldChar(ch) {
    return ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function foldWords(text) {
    return Array.from(text)
      .map(foldChar)
      .join("")
      .split(/[^0-9a-z\u00c0-\uffff]+/)
      .filter(function (w) { return w.length > 0; });
  }

  /*
   * Ranges [start, end) of `label` (UTF-16 indices) where a query word matches the start of a
   * label word, accent- and case-insensitively.
   */
  function matchRanges(label, query) {
    var folded = "";
    var origin = []; // origin[i] = index in label of folded char i
    var chars = Array.from(label);
    var pos = 0;
    chars.forEach(function (ch) {
      var f = foldChar(ch);
      for (var k = 0; k < f.length; k++) {
        origin.push(pos);
      }
      folded += f;
      pos += ch.length;
    });
    origin.push(label.length);
    var ranges = [];
    foldWords(query).forEach(function (word) {
      var from = 0;
      var i;
      while ((i = folded.indexOf(word, from)) !== -1) {
        var atWordStart = i === 0 || !/[0-9a-z]/.test(folded.charAt(i - 1));
        if (atWordStart) {
          ranges.push([origin[i], origin[Math.min(i + word.length, origin.length - 1)]]);
        }
        from = i + 1;
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        merged.push([r[0], r[1]]);
      }
    });
    return merged;
  }

  /* Appends `label` to `parent` as text nodes, matched parts wrapped in <mark>. */
  function appendHighlighted(parent, label, query) {
    var at = 0;
    matchRanges(label, query).forEach(function (r) {
      if (r[0] > at) {
        parent.appendChild(document.createTextNode(label.slice(at, r[0])));
      }
      var mark = document.createElement("mark");
      mark.textContent = label.slice(r[0], r[1]);
      parent.appendChild(mark);
      at = r[1];
    });
    if (at < label.length) {
      parent.appendChild(document.createTextNode(label.slice(at)));
    }
  }

  function format(template, count) {
    return (template || "").replace("%{count}", String(count));
  }

  function Combobox(input) {
    var id = input.id || "airport-combobox-" + (++counter);
    input.id = id;
    this.input = input;
    this.endpoint = input.getAttribute("data-endpoint") || DEFAULT_ENDPOINT;
    this.minChars = parseInt(input.getAttribute("data-min-chars") || "2", 10) || 1;
    this.codeField = this.findCodeField();
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.blockedUntil = 0;
    this.lastQuery = null;

    var wrapper = document.createElement("div");
    wrapper.className = "ac-combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "ac-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = input.labels && input.labels[0];
    if (label) {
      label.id = label.id || id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    wrapper.appendChild(list);
    this.list = list;

    var status = document.createElement("div");
    status.className = "ac-visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    wrapper.appendChild(status);
    this.status = status;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("spellcheck", "false");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeyDown.bind(this));
    input.addEventListener("blur", this.close.bind(this));
    // Keep the focus in the input while an option is pressed, so blur does not close the list.
    list.addEventListener("pointerdown", function (e) { e.preventDefault(); });
    list.addEventListener("click", this.onClick.bind(this));
    list.addEventListener("pointermove", this.onPointerMove.bind(this));
  }

  Combobox.prototype.findCodeField = function () {
    var name = this.input.getAttribute("data-code-field");
    if (!name) {
      return null;
    }
    var form = this.input.form;
    var scope = form || document;
    var field = scope.querySelector('input[name="' + (window.CSS && CSS.escape ? CSS.escape(name) : name) + '"]');
    if (!field && form) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      form.appendChild(field);
    }
    return field;
  };

  Combobox.prototype.onInput = function () {
    // What was typed no longer matches a chosen airport: let the server resolve the text.
    if (this.codeField) {
      this.codeField.value = "";
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fetch.bind(this), DEBOUNCE_MS);
  };

  Combobox.prototype.fetch = function () {
    var q = this.input.value.trim();
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
    if (q.length < this.minChars) {
      this.lastQuery = null;
      this.close();
      return;
    }
    if (q === this.lastQuery && this.items.length) {
      this.open();
      return;
    }
    if (Date.now() < this.blockedUntil) {
      return; // rate limited: the plain field keeps working
    }
    var lang = document.documentElement.lang || "";
    var url = this.endpoint + "?q=" + encodeURIComponent(q) + "&limit=" + LIMIT +
      (lang ? "&lang=" + encodeURIComponent(lang) : "");
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    this.controller = controller;
    var self = this;
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (res) {
        if (res.status === 429 || res.status === 503) {
          var retry = parseInt(res.headers.get("Retry-After") || "5", 10);
          self.blockedUntil = Date.now() + Math.min((isNaN(retry) ? 5 : retry) * 1000, MAX_BACKOFF_MS);
        }
        if (!res.ok) {
          throw new Error("HTTP " + res.status);
        }
        return res.json();
      })
      .then(function (data) {
        if (controller !== self.controller || self.input.value.trim() !== q) {
          return; // stale answer
        }
        self.controller = null;
        var items = Array.isArray(data) ? data : (data && Array.isArray(data.results) ? data.results : []);
        self.lastQuery = q;
        self.render(items.filter(function (s) { return s && typeof s.label === "string"; }), q);
      })
      .catch(function () {
        if (controller === self.controller) {
          self.controller = null;
          self.items = [];
          self.close();
        }
      });
  };

  Combobox.prototype.render = function (items, q) {
    var list = this.list;
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = list.id + "-opt-" + i;
      li.className = "ac-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      appendHighlighted(li, item.label, q);
      list.appendChild(li);
    });
    if (items.length) {
      this.open();
    } else {
      this.close();
    }
    this.announce(items.length);
  };

  Combobox.prototype.announce = function (count) {
    var input = this.input;
    var text;
    if (count === 0) {
      text = input.getAttribute("data-msg-none") || "";
    } else if (count === 1 && input.hasAttribute("data-msg-result-one")) {
      text = input.getAttribute("data-msg-result-one");
    } else {
      text = format(input.getAttribute("data-msg-results"), count);
    }
    var status = this.status;
    status.textContent = "";
    // A short delay makes screen readers announce the same text twice in a row.
    setTimeout(function () { status.textContent = text; }, 50);
  };

  Combobox.prototype.open = function () {
    if (!this.items.length) {
      return;
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  };

  Combobox.prototype.isOpen = function () {
    return !this.list.hidden;
  };

  Combobox.prototype.setActive = function (index) {
    var options = this.list.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      options[index].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) {
        options[index].scrollIntoView({ block: "nearest" });
      }
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.select = function (index) {
    var item = this.items[index];
    if (!item) {
      return;
    }
    if (this.codeField) {
      this.input.value = item.label;
      this.codeField.value = item.iata || "";
    } else {
      this.input.value = item.iata || item.label;
    }
    this.lastQuery = this.input.value.trim();
    clearTimeout(this.timer);
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
    this.close();
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Combobox.prototype.onKeyDown = function (e) {
    if (e.isComposing) {
      return;
    }
    var n = this.items.length;
    switch (e.key) {
      case "ArrowDown":
        if (!n) {
          return;
        }
        e.preventDefault();
        if (!this.isOpen()) {
          this.open();
          this.setActive(e.altKey ? -1 : 0);
        } else if (!e.altKey) {
          this.setActive((this.active + 1) % n);
        }
        break;
      case "ArrowUp":
        if (!n) {
          return;
        }
        e.preventDefault();
        if (!this.isOpen()) {
          this.open();
          this.setActive(n - 1);
        } else {
          this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
        }
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) {
          e.preventDefault(); // choose, do not submit the form yet
          this.select(this.active);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          e.preventDefault();
          this.close();
        } else if (this.input.value) {
          e.preventDefault();
          this.input.value = "";
          if (this.codeField) {
            this.codeField.value = "";
          }
          this.lastQuery = null;
        }
        break;
      case "Tab":
        if (this.isOpen() && this.active >= 0) {
          this.select(this.active); // focus then moves on as usual
        } else {
          this.close();
        }
        break;
      default:
        break;
    }
  };

  Combobox.prototype.optionIndex = function (target) {
    var li = target && target.closest ? target.closest("[role=option]") : null;
    if (!li || !this.list.contains(li)) {
      return -1;
    }
    return parseInt(li.getAttribute("data-index"), 10);
  };

  Combobox.prototype.onClick = function (e) {
    var index = this.optionIndex(e.target);
    if (index >= 0) {
      this.select(index);
      this.input.focus();
    }
  };

  Combobox.prototype.onPointerMove = function (e) {
    if (e.pointerType !== "mouse") {
      return;
    }
    var index = this.optionIndex(e.target);
    if (index >= 0 && index !== this.active) {
      this.setActive(index);
    }
  };

  function init() {
    if (!window.fetch || !Array.from || !String.prototype.normalize) {
      return; // old browser: the plain text field is the fallback
    }
    var inputs = document.querySelectorAll("input[data-airport-combobox]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (!input.hasAttribute("data-combobox-ready")) {
        input.setAttribute("data-combobox-ready", "");
        new Combobox(input); // eslint-disable-line no-new
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
