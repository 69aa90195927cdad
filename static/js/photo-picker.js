// The photo library in the window the rich-text editor's photo dialog opened (django-prose-editor's Figure picker,
// which speaks CKEditor's file-browser protocol): choosing a photo hands the dialog the address of its rendition,
// its alternative text and its caption (articles/admin.py, ImageAdmin.picker_view), and closes the window. Opened
// on its own, the page is the library to search and upload to, without the buttons.
(function () {
  "use strict";
  var library = document.querySelector("[data-photo-picker]");
  if (!library) return;
  var callback = Number(library.getAttribute("data-callback"));
  var orphan = document.querySelector("[data-picker-orphan]");

  function editorTools() {
    try {
      var opener = window.opener;
      return opener && !opener.closed && opener.CKEDITOR && opener.CKEDITOR.tools;
    } catch (error) {
      return null;  // an opener from elsewhere: not ours to answer
    }
  }

  library.addEventListener("click", function (event) {
    var button = event.target.closest("[data-choose]");
    if (!button) return;
    var tools = editorTools();
    if (!tools) {
      if (orphan) orphan.hidden = false;
      return;
    }
    tools.callFunction(callback, button.getAttribute("data-url"), {
      id: Number(button.getAttribute("data-id")),
      alternative_text: button.getAttribute("data-alt"),
      caption: button.getAttribute("data-caption")
    });
    window.close();
  });
})();
