// Notes in tiers. The reader chooses which editors' notes the reading highlights: essential
// notes (the default), all notes, corrections only, or none. The choice is a plain form that
// posts and comes back; with this file it applies at once and is saved in the background, so it
// survives a reload. Without JavaScript every note shows after its paragraph, as before.
(function () {
  "use strict";

  var MESSAGES = {
    essential: "Showing the essential notes.",
    all: "Showing all notes.",
    corrections: "Showing corrections only.",
    none: "Showing no notes.",
  };

  function shows(choice, mark) {
    if (choice === "all") return true;
    if (choice === "none") return false;
    if (choice === "corrections") return mark.dataset.kind === "correction";
    return mark.dataset.tier !== "extension";
  }

  // A quieted mark is plain text: no link, out of the tab order, and its note closed.
  var SAVED = ["aria-controls", "aria-describedby"];

  function quiet(mark) {
    if (!mark.hasAttribute("href")) return;
    var note = document.getElementById(mark.dataset.note);
    if (note) note.classList.remove("is-open");
    mark.dataset.href = mark.getAttribute("href");
    mark.removeAttribute("href");
    mark.removeAttribute("aria-expanded");
    SAVED.forEach(function (name) {
      if (!mark.hasAttribute(name)) return;
      mark.setAttribute("data-saved-" + name, mark.getAttribute(name));
      mark.removeAttribute(name);
    });
  }

  function restore(mark) {
    if (mark.hasAttribute("href")) return;
    mark.setAttribute("href", mark.dataset.href);
    mark.setAttribute("aria-expanded", "false");
    SAVED.forEach(function (name) {
      var saved = mark.getAttribute("data-saved-" + name);
      if (saved !== null) mark.setAttribute(name, saved);
    });
  }

  function apply(filter, choice) {
    filter.dataset.notesShown = choice;
    filter.querySelectorAll(".reading .mark").forEach(function (mark) {
      if (shows(choice, mark)) restore(mark);
      else quiet(mark);
    });
  }

  function setUp() {
    var filter = document.querySelector(".notes-filter");
    var form = document.getElementById("notes-control");
    if (!filter || !form) return;
    var status = form.querySelector(".notes-status");
    var submit = form.querySelector(".notes-control-submit");
    if (submit) submit.hidden = true; // choices apply as they are made

    // A quieted mark is not a link; keep site.js from opening its note on a click.
    document.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest(".reading .mark");
      if (mark && !mark.hasAttribute("href")) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);

    function save() {
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          status.textContent = MESSAGES[filter.dataset.notesShown] + " Saved.";
        })
        .catch(function () {
          status.textContent = MESSAGES[filter.dataset.notesShown] +
            " Your choice could not be saved; it applies to this page only.";
        });
    }

    form.addEventListener("change", function (event) {
      if (event.target.name !== "notes_shown") return;
      apply(filter, event.target.value);
      save();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var checked = form.querySelector('input[name="notes_shown"]:checked');
      if (!checked) return;
      apply(filter, checked.value);
      save();
    });

    apply(filter, filter.dataset.notesShown || "essential");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
