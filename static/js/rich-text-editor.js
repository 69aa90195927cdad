// The rich-text editor of the desk's forms (django-prose-editor, on Tiptap) in the desk's language, and its photo
// dialog asking what each photo shows.
// - The library's dialogs go through Django's JavaScript catalog (the admin's jsi18n, loaded before it), whose
//   Arabic is ours: the library ships none. Its strings are listed below so that makemessages keeps them.
// - Its toolbar's tooltips are English in its code: each button gets the catalog's title and accessible name here,
//   as the editor builds its toolbar (after this script has run) and whenever the block-type menu redraws.
// - The photo dialog refuses to insert a photo without alternative text; the server refuses such a text too
//   (articles/inline_photos.py), this only says so before the editor loses the dialog.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var gettext_noop = window.gettext_noop || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) { return format.replace("%s", values[0]); };

  // The library's toolbar, by the English title it gives each button (editor.js: menu.js, table.js, link.js).
  var TOOLTIPS = {
    "paragraph": gettext("paragraph"),
    "Paragraph": gettext("paragraph"),
    "question_mark": gettext("block type"),
    "unordered list": gettext("unordered list"),
    "ordered list": gettext("ordered list"),
    "blockquote": gettext("blockquote"),
    "horizontal rule": gettext("horizontal rule"),
    "figure": gettext("figure"),
    "bold": gettext("bold"),
    "italic": gettext("italic"),
    "underline": gettext("underline"),
    "strike": gettext("strike"),
    "subscript": gettext("subscript"),
    "superscript": gettext("superscript"),
    "insert link": gettext("insert link"),
    "remove link": gettext("remove link"),
    "Insert table": gettext("Insert table"),
    "Add column": gettext("Add column"),
    "Delete column": gettext("Delete column"),
    "Add row": gettext("Add row"),
    "Delete row": gettext("Delete row"),
    "Merge cells": gettext("Merge cells"),
    "Split cell": gettext("Split cell"),
    "Toggle header cell": gettext("Toggle header cell"),
    "Delete table": gettext("Delete table"),
    "undo": gettext("undo"),
    "redo": gettext("redo"),
    "edit HTML": gettext("edit HTML")
  };
  var HEADING = /^heading ([1-6])$/i;

  // What the library itself passes through gettext() (editor.js: utils.js, figure.js, table.js, link.js,
  // orderedList.js): listed for makemessages only.
  void [
    gettext_noop("Insert Figure"), gettext_noop("Edit Figure"), gettext_noop("Edit Image"),
    gettext_noop("Image URL"), gettext_noop("Browse..."), gettext_noop("Alternative Text"), gettext_noop("Caption"),
    gettext_noop("Insert"), gettext_noop("Update"), gettext_noop("Cancel"),
    gettext_noop("Add caption"), gettext_noop("Remove caption"),
    gettext_noop("Rows"), gettext_noop("Columns"), gettext_noop("Include header row"),
    gettext_noop("Table Properties"), gettext_noop("Insert Table"),
    gettext_noop("URL"), gettext_noop("Title"), gettext_noop("Edit Link"),
    gettext_noop("List properties"), gettext_noop("Start at"), gettext_noop("List type"),
    gettext_noop("Decimal numbers"), gettext_noop("Lowercase letters"), gettext_noop("Uppercase letters"),
    gettext_noop("Lowercase Roman numerals"), gettext_noop("Uppercase Roman numerals"), gettext_noop("Bullets")
  ];
  // The table dialog's choices: the library reads the English words back as the select's value.
  var CHOICES = { "Yes": gettext("Yes"), "No": gettext("No") };

  function translated(english) {
    if (Object.prototype.hasOwnProperty.call(TOOLTIPS, english)) return TOOLTIPS[english];
    var heading = HEADING.exec(english);
    return heading ? interpolate(gettext("heading %s"), [heading[1]]) : null;
  }

  function translateButton(button) {
    var english = button.getAttribute("data-tooltip") ||
      button.getAttribute("title") || button.getAttribute("aria-label") || "";
    var label = translated(english);
    if (!label) return;
    button.setAttribute("data-tooltip", english);
    button.setAttribute("title", label);
    button.setAttribute("aria-label", label);
  }

  function translateOption(option) {
    // The block-type menu's choices show their name as text («Heading 2», «Paragraph»).
    var text = option.firstElementChild || option;
    var label = translated(text.textContent.trim());
    if (label) text.textContent = label;
  }

  function describedDialog(dialog) {
    if (dialog.hasAttribute("data-desk")) return;
    dialog.setAttribute("data-desk", "");
    var editor = dialog.closest(".prose-editor");
    var textarea = editor && editor.querySelector("textarea");
    // The photo's descriptions are written in the language of the text, whatever the desk's.
    ["altText", "caption"].forEach(function (name) {
      var input = dialog.querySelector("input[name=" + name + "]");
      if (input && textarea && textarea.lang) {
        input.lang = textarea.lang;
        input.dir = textarea.dir || "auto";
      }
    });
    ["imageUrl", "href"].forEach(function (name) {
      var input = dialog.querySelector("input[name=" + name + "]");
      if (input) input.dir = "ltr";
    });
    Array.prototype.forEach.call(dialog.querySelectorAll("select[name=withHeaderRow] option"), function (option) {
      var english = option.value;
      if (Object.prototype.hasOwnProperty.call(CHOICES, english)) {
        option.value = english;
        option.textContent = CHOICES[english];
      }
    });
    var alt = dialog.querySelector("input[name=altText]");
    if (!alt) return;
    alt.required = true;
    var help = document.createElement("p");
    help.className = "help prose-editor-alt-help";
    help.id = alt.id + "-help";
    help.textContent = gettext("Required: what the photo shows, for readers who cannot see it.");
    alt.insertAdjacentElement("afterend", help);
    alt.setAttribute("aria-describedby", help.id);
    // Before the library's own handler (this listens on the way down): the picker fills the field without an
    // input event, so whether it is empty is decided as the button is pressed.
    dialog.addEventListener("click", function (event) {
      if (!event.target.closest("button[type=submit]")) return;
      alt.setCustomValidity(alt.value.trim() ? "" : gettext(
        "Write what the photo shows: readers who cannot see it get this text instead."));
    }, true);
    alt.addEventListener("input", function () { alt.setCustomValidity(""); });
  }

  function namedEditable(editable) {
    // The editable area is named by the field's label, which points at the hidden textarea it replaces.
    var textarea = editable.parentElement && editable.parentElement.querySelector("textarea[id]");
    var label = textarea && document.querySelector('label[for="' + textarea.id + '"]');
    if (!label || editable.hasAttribute("aria-labelledby")) return;
    label.id = label.id || textarea.id + "-label";
    editable.setAttribute("aria-labelledby", label.id);
  }

  function visit(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches(".ProseMirror[contenteditable]")) namedEditable(node);
    if (node.closest(".ProseMirror[contenteditable]")) return;
    var all = [node].concat(Array.prototype.slice.call(node.querySelectorAll("*")));
    all.forEach(function (element) {
      if (element.matches(".prose-menubar button.prose-menubar__option")) translateOption(element);
      else if (element.matches(".prose-menubar button")) translateButton(element);
      else if (element.matches("dialog.prose-editor-dialog")) describedDialog(element);
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, visit);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
