/*
 * The article form says it is still open every few seconds (articles/presence.py) and shows who else has the
 * article open, as the server words it; it says it is leaving when the page goes away. A failed heartbeat changes
 * nothing on the page: the notice is advisory, and the next one tries again.
 */
(function () {
  "use strict";

  function start() {
    var note = document.getElementById("article-presence");
    var form = document.getElementById("article_form");
    if (!note || !form) {
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var text = note.querySelector("p");
    var seconds = parseInt(note.dataset.heartbeat, 10) || 60;

    function body(action) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      data.append("page", note.dataset.page || "");
      if (action) {
        data.append("action", action);
      }
      return data;
    }

    function beat() {
      fetch(note.dataset.url, { method: "POST", body: body(), credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer) {
            text.textContent = answer.text;
            note.hidden = !answer.text;
          }
        })
        .catch(function () {});
    }

    var timer = window.setInterval(beat, seconds * 1000);
    // Saving comes back to the same article, whose next page says it is there: this one is left to expire.
    var saving = false;
    form.addEventListener("submit", function () {
      saving = true;
    });
    window.addEventListener("pagehide", function () {
      window.clearInterval(timer);
      if (!saving && navigator.sendBeacon) {
        navigator.sendBeacon(note.dataset.url, body("leave"));
      }
    });
    // Back to a page kept in the browser's cache: it said it left, so it says it is here again, and keeps saying so.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        saving = false;
        beat();
        timer = window.setInterval(beat, seconds * 1000);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
