// The sign-in slips page: a "Print" button (without JavaScript the page says to use the
// browser's own Print, which prints the same).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
