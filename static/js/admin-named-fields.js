// Names for the desk's fields that Django's admin draws without a label of their own, for screen readers: the
// cells of a tabular inline (named in their aria-label by articles/arrangement_admin.py) and the autocomplete
// boxes select2 draws over them, which name themselves after their current choice (nothing, when empty).
"use strict";
(function () {
  function fieldName(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return select.getAttribute("aria-label") || (label ? label.textContent.replace(/:\s*$/, "").trim() : "");
  }

  function nameChoiceBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      var name = fieldName(select);
      if (box && name) {
        // Named after the field, not after the choice shown in it (select2's aria-labelledby: nothing when empty);
        // the choice is still read as the box's value.
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", name);
        // The box's inner text box, which shows the choice (empty until one is made).
        var shown = box.querySelector(".select2-selection__rendered");
        if (shown) {
          shown.setAttribute("aria-label", name);
        }
      }
    });
  }
  // After Django's autocomplete.js has drawn its boxes: it does so when jQuery is ready (which comes after
  // DOMContentLoaded) and on formset:added; handlers registered after its own run after them.
  django.jQuery(function () { nameChoiceBoxes(document); });
  document.addEventListener("formset:added", function (event) { nameChoiceBoxes(event.target); });
})();
