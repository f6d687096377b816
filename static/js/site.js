// Progressive enhancement for lesson pages. Without this file every note is shown, numbered,
// after its paragraph, and each highlighted passage links to its note.
(function () {
  "use strict";

  document.documentElement.classList.replace("no-js", "js");

  function noteFor(mark) {
    return document.getElementById(mark.dataset.note);
  }

  function closeNote(mark, returnFocus) {
    const note = noteFor(mark);
    if (note) note.classList.remove("is-open");
    mark.setAttribute("aria-expanded", "false");
    if (returnFocus) mark.focus();
  }

  function openNote(mark) {
    // Keep one note open at a time, so the reading stays readable.
    document.querySelectorAll('.mark[aria-expanded="true"]').forEach(function (other) {
      if (other !== mark) closeNote(other, false);
    });
    const note = noteFor(mark);
    if (!note) return;
    note.classList.add("is-open");
    mark.setAttribute("aria-expanded", "true");
    note.focus({ preventScroll: false });
  }

  function setUp() {
    const marks = document.querySelectorAll(".reading .mark");
    marks.forEach(function (mark) {
      mark.setAttribute("aria-expanded", "false");
      mark.setAttribute("aria-controls", mark.dataset.note);
      mark.addEventListener("click", function (event) {
        event.preventDefault();
        if (mark.getAttribute("aria-expanded") === "true") {
          closeNote(mark, true);
        } else {
          openNote(mark);
        }
      });
    });

    document.querySelectorAll(".reading .note-back").forEach(function (link) {
      link.addEventListener("click", function (event) {
        const mark = document.getElementById(link.getAttribute("href").slice(1));
        if (!mark) return;
        event.preventDefault();
        closeNote(mark, true);
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      const open = document.querySelector('.mark[aria-expanded="true"]');
      if (open) closeNote(open, true);
    });

    setUpFinishing();
    setUpCiting();

    // A link to a note (#note-3) opens it.
    if (location.hash.startsWith("#note-")) {
      const mark = document.querySelector('.mark[data-note="' + location.hash.slice(1) + '"]');
      if (mark) openNote(mark);
    }
  }

  // Reaching the end of the reading counts as finishing it: send the "I've finished reading"
  // form in the background. Without JavaScript the student presses the button instead.
  function setUpFinishing() {
    const form = document.querySelector("#finish .finish-form");
    const end = document.querySelector(".reading-end");
    if (!form || !end || !("IntersectionObserver" in window)) return;
    // Reaching the end too soon is not reading it: the server says how long the lesson takes
    // (X-Read-Again-In, seconds), and the page asks again then if the end is still in view.
    const observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      observer.disconnect();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (response) {
          const wait = parseInt(response.headers.get("X-Read-Again-In") || "0", 10);
          if (wait > 0) {
            setTimeout(function () { observer.observe(end); }, wait * 1000);
            return null;
          }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html) document.getElementById("finish").innerHTML = html;
        })
        .catch(function () { /* The button still works. */ });
    });
    observer.observe(end);
  }

  // "Cite" beside each paragraph number puts ¶N into the discussion box last used (or the
  // first one). Without JavaScript, students type ¶N themselves; either way it becomes a link.
  function setUpCiting() {
    const boxes = function () { return document.querySelectorAll("textarea.post-body, .reply-form textarea"); };
    if (!document.querySelector(".thread-slot, .thread")) return;
    let lastBox = null;
    document.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches("textarea")) lastBox = event.target;
    });
    // The buttons come with the page (so nothing moves when this runs); this makes them work.
    document.querySelectorAll(".reading-paragraph .cite-button").forEach(function (button) {
      const number = button.dataset.paragraph;
      button.classList.add("is-ready");
      button.addEventListener("click", function () {
        const box = (lastBox && document.body.contains(lastBox)) ? lastBox : boxes()[0];
        if (!box) return;
        const citation = "¶" + number + " ";
        const at = box.selectionStart != null ? box.selectionStart : box.value.length;
        box.value = box.value.slice(0, at) + citation + box.value.slice(at);
        box.focus();
        box.setSelectionRange(at + citation.length, at + citation.length);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
