// The article page is served from caches, so it carries no CSRF token of its own. When a reader starts writing a
// comment, fetch a fresh token (this also sets the CSRF cookie) and a fresh signed timestamp, and put them in the
// form. Without JavaScript the
// first post comes back with the reader's text and a token, and the second one goes through.
(function () {
  "use strict";
  var form = document.querySelector("form[data-token-url]");
  if (!form) return;
  var field = form.querySelector("input[name=csrfmiddlewaretoken]");
  var timestamp = form.querySelector("input[name=token]");
  var requested = false;
  function fetchToken() {
    if (requested || field.value) return;
    requested = true;
    fetch(form.getAttribute("data-token-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.token && timestamp) timestamp.value = data.token;
        if (data && data.csrf) field.value = data.csrf;
      })
      .catch(function () { requested = false; });
  }
  form.addEventListener("focusin", fetchToken);
  form.addEventListener("submit", function (event) {
    if (field.value) return;
    event.preventDefault();
    fetchToken();
    var tries = 0;
    var wait = setInterval(function () {
      if (field.value || ++tries > 50) { clearInterval(wait); form.submit(); }
    }, 100);
  });
})();
