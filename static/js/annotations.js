// Class annotations on the reading, enhanced. Without this file each paragraph's annotations are
// listed after it and the form under the reading annotates a sentence chosen from a list. With
// it: annotations are highlighted in the text (Apache Annotator finds their words by the W3C
// selectors the server sends), sit in a margin beside their paragraph on wide screens and in a
// bottom sheet on phones, can be filtered, and a selection made in the reading (mouse, touch,
// or the keyboard with caret browsing, F7) fills the form with its selectors.
(function () {
  "use strict";

  var A = window.ApacheAnnotator;

  function scopeRange(scope) {
    var range = document.createRange();
    range.selectNodeContents(scope);
    return range;
  }

  // The words of a paragraph, exactly as the server has them: the text after the ¶ number and
  // the Cite button, with the editors' note numbers drawn by CSS rather than being text.
  function prepareScope(paragraph) {
    var after = paragraph.querySelector(".cite-button") || paragraph.querySelector(".paragraph-number");
    var nodes = [];
    for (var node = after ? after.nextSibling : paragraph.firstChild; node; node = node.nextSibling) {
      nodes.push(node);
    }
    if (nodes.length && nodes[0].nodeType === Node.TEXT_NODE && /^\s/.test(nodes[0].data)) {
      nodes[0] = nodes[0].splitText(1); // the space after the button is not the reading's
    }
    var scope = document.createElement("span");
    scope.className = "annotation-scope";
    nodes.forEach(function (child) { scope.appendChild(child); });
    paragraph.appendChild(scope);
    scope.querySelectorAll(".mark-number").forEach(function (sup) {
      sup.setAttribute("data-number", sup.textContent);
      sup.textContent = "";
    });
    return scope;
  }

  async function firstMatch(generator) {
    for await (var range of generator) return range;
    return null;
  }

  async function findRange(item, scope) {
    var whole = scopeRange(scope);
    var start = Number(item.dataset.start);
    var end = Number(item.dataset.end);
    var exact = item.dataset.exact;
    var range = null;
    try {
      range = await firstMatch(A.createTextPositionSelectorMatcher(
        { type: "TextPositionSelector", start: start, end: end })(whole));
    } catch (error) { range = null; }
    if (range && range.toString() === exact) return range;
    return firstMatch(A.createTextQuoteSelectorMatcher({
      type: "TextQuoteSelector", exact: exact, prefix: item.dataset.prefix, suffix: item.dataset.suffix,
    })(whole));
  }

  function label(count) {
    return count + " annotation" + (count === 1 ? "" : "s");
  }

  function setUp() {
    var reading = document.getElementById("reading");
    if (!reading || !A) return;
    document.documentElement.classList.add("annotations-js");
    var status = document.getElementById("annotation-status");
    var filters = document.getElementById("annotation-filters");
    var form = document.getElementById("annotation-form");
    var selectionNote = document.getElementById("annotation-selection");
    var scopes = {};
    var opener = null; // the highlight or button that opened the margin, for Escape

    function say(text) { if (status) status.textContent = text; }

    reading.querySelectorAll("p.reading-paragraph").forEach(function (paragraph) {
      scopes[paragraph.id.slice(1)] = prepareScope(paragraph);
    });

    function asideOf(number) { return document.getElementById("annotations-p" + number); }

    function openAnnotations(number, ids, from) {
      var aside = asideOf(number);
      if (!aside) return;
      opener = from;
      document.querySelectorAll(".annotations-margin.is-open").forEach(function (other) {
        if (other !== aside) other.classList.remove("is-open");
      });
      aside.classList.add("is-open");
      aside.querySelectorAll(".annotation.is-active").forEach(function (li) { li.classList.remove("is-active"); });
      var items = ids.map(function (id) { return document.getElementById("annotation-" + id); })
        .filter(function (li) { return li && !li.hidden; });
      items.forEach(function (li) { li.classList.add("is-active"); });
      var target = items[0] || aside;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      say(label(items.length) + " on these words of ¶" + number + ". Press Escape to return to the text.");
    }

    function closeAnnotations() {
      var open = document.querySelector(".annotations-margin.is-open");
      if (!open) return false;
      open.classList.remove("is-open");
      if (opener && document.body.contains(opener)) opener.focus();
      opener = null;
      return true;
    }

    // Highlights, one per annotation (several marks where its words cross an editors' link).
    var pending = [];
    document.querySelectorAll(".annotations-margin").forEach(function (aside) {
      var number = aside.dataset.paragraph;
      var scope = scopes[number];
      if (!scope) return;
      // A button beside the paragraph opens its annotations (the bottom sheet on phones).
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "btn btn-sm btn-outline-primary annotations-toggle";
      var count = aside.querySelectorAll(".annotation").length;
      toggle.textContent = label(count);
      toggle.setAttribute("aria-label", label(count) + " on paragraph " + number);
      toggle.addEventListener("click", function () {
        var ids = Array.prototype.map.call(aside.querySelectorAll(".annotation"), function (li) { return li.dataset.annotation; });
        openAnnotations(number, ids, toggle);
      });
      aside.parentNode.insertBefore(toggle, aside);
      var close = document.createElement("button");
      close.type = "button";
      close.className = "btn-close annotations-close";
      close.setAttribute("aria-label", "Close the annotations and return to the text");
      close.addEventListener("click", closeAnnotations);
      aside.insertBefore(close, aside.firstChild);

      aside.querySelectorAll(".annotation[data-start]").forEach(function (item) {
        pending.push(findRange(item, scope).then(function (range) {
          if (!range) return;
          A.highlightText(range, "mark", {
            class: "student-highlight kind-" + item.dataset.kind,
            "data-annotation": item.dataset.annotation,
          });
          var marks = scope.querySelectorAll('mark[data-annotation="' + item.dataset.annotation + '"]');
          var first = marks[0];
          // Focusable unless inside an editors' link (no interactive element in another).
          if (first && !first.closest("a")) {
            first.setAttribute("tabindex", "0");
            first.setAttribute("role", "button");
            // The name starts with the words shown, as a speech user would say them.
            first.setAttribute("aria-label", first.textContent + " (annotated: " +
              item.querySelector(".annotation-kind").textContent + " by " +
              item.querySelector(".annotation-author").textContent + ")");
          }
        }));
      });
    });

    function idsAt(mark) {
      var ids = [];
      for (var node = mark; node && node !== reading; node = node.parentNode) {
        if (node.dataset && node.dataset.annotation && node.classList.contains("student-highlight")) {
          ids.push(node.dataset.annotation);
        }
      }
      return ids;
    }

    function activate(mark) {
      var paragraph = mark.closest("p.reading-paragraph");
      openAnnotations(paragraph.id.slice(1), idsAt(mark), mark.closest("[tabindex]") || mark);
    }

    reading.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest("mark.student-highlight");
      if (!mark || event.target.closest("a.mark")) return;
      if (!document.getSelection().isCollapsed) return; // a selection, not a click
      activate(mark);
    });
    reading.addEventListener("keydown", function (event) {
      var mark = event.target.closest && event.target.closest("mark.student-highlight");
      if (mark && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        activate(mark);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && closeAnnotations()) event.preventDefault();
    });

    // Filters: kind, whose, and the editors' notes.
    function applyFilters() {
      var kind = filters.querySelector("#filter-kind").value;
      var whose = Array.prototype.filter.call(filters.querySelectorAll('input[name="whose"]'), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      var shown = 0, total = 0;
      document.querySelectorAll(".annotations-margin .annotation").forEach(function (item) {
        var visible = (!kind || item.dataset.kind === kind) && whose.indexOf(item.dataset.whose) !== -1;
        item.hidden = !visible;
        total += 1;
        if (visible) shown += 1;
        reading.querySelectorAll('mark[data-annotation="' + item.dataset.annotation + '"]').forEach(function (mark) {
          mark.classList.toggle("is-filtered", !visible);
        });
      });
      reading.classList.toggle("hide-editors", !filters.querySelector("#filter-editors").checked);
      say("Showing " + shown + " of " + label(total) + ".");
    }
    if (filters) {
      filters.hidden = false;
      filters.addEventListener("change", applyFilters);
      filters.addEventListener("submit", function (event) { event.preventDefault(); });
    }

    // A selection in one paragraph fills the form's selectors.
    if (form && selectionNote) {
      var fields = {};
      ["paragraph", "exact", "prefix", "suffix", "start", "end", "sentence"].forEach(function (name) {
        fields[name] = form.querySelector('[name="' + name + '"]');
      });
      var describe = async function () {
        var selection = document.getSelection();
        if (!selection.rangeCount || selection.isCollapsed) return;
        var range = selection.getRangeAt(0);
        var startScope = range.startContainer.parentElement && range.startContainer.parentElement.closest(".annotation-scope");
        var endScope = range.endContainer.parentElement && range.endContainer.parentElement.closest(".annotation-scope");
        if (range.startContainer.classList && range.startContainer.classList.contains("annotation-scope")) startScope = range.startContainer;
        if (!startScope || startScope !== endScope) return;
        if (!range.toString().trim()) return;
        var whole = scopeRange(startScope);
        var quote = await A.describeTextQuote(range, whole);
        var position = await A.describeTextPosition(range, whole);
        var number = startScope.parentElement.id.slice(1);
        fields.paragraph.value = number;
        fields.exact.value = quote.exact;
        fields.prefix.value = quote.prefix || "";
        fields.suffix.value = quote.suffix || "";
        fields.start.value = position.start;
        fields.end.value = position.end;
        if (fields.sentence) fields.sentence.value = "";
        var shown = quote.exact.length > 80 ? quote.exact.slice(0, 77) + "…" : quote.exact;
        selectionNote.hidden = false;
        selectionNote.textContent = "Selected in ¶" + number + ": “" + shown + "”. ";
        var go = document.createElement("a");
        go.href = "#annotate";
        go.className = "annotate-selection";
        go.textContent = "Annotate these words";
        go.addEventListener("click", function (event) {
          event.preventDefault();
          var kind = form.querySelector('[name="kind"]');
          kind.focus();
        });
        selectionNote.appendChild(go);
      };
      var timer = null;
      document.addEventListener("selectionchange", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { describe().catch(function () {}); }, 150);
      });
      if (fields.sentence) {
        fields.sentence.addEventListener("change", function () {
          if (fields.sentence.value) {
            ["paragraph", "exact", "prefix", "suffix", "start", "end"].forEach(function (name) { fields[name].value = ""; });
            selectionNote.hidden = true;
          }
        });
      }
    }

    Promise.all(pending).then(function () {
      reading.classList.add("annotations-ready");
      if (filters) applyFilters();
      // A link to one annotation (#annotation-12) opens it beside its words.
      var hash = window.location.hash.match(/^#annotation-(\d+)$/);
      if (hash) {
        var item = document.getElementById("annotation-" + hash[1]);
        var aside = item && item.closest(".annotations-margin");
        if (aside) openAnnotations(aside.dataset.paragraph, [hash[1]], reading.querySelector('mark[data-annotation="' + hash[1] + '"]'));
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
