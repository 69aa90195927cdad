// A live page's new entries without a reload. Without this script the page is complete as served: a reload shows
// every new entry. With it, the page asks one address (the same for every reader of the page, so a cache answers it)
// for the newest entries, as often as each answer says (0: stop), never while the page is hidden:
// - entries it has not shown wait behind a «تحديثات جديدة (3)» button, so nothing moves under the reader's eyes;
//   pressing it puts them at the top and moves focus to the newest;
// - entries it shows that were corrected or withdrawn are replaced where they stand (among the newest an answer
//   holds: a reload shows older corrections); when more came than an answer holds, the button reloads the page;
// - the key points, the pinned entry and the coverage's status are replaced; once coverage ends, it stops asking.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-poll]");
  if (!live || !window.fetch || !window.DOMParser) return;
  var address = live.getAttribute("data-live-poll");
  var interval = parseInt(live.getAttribute("data-interval"), 10) || 0;
  var list = live.querySelector("[data-live-entries]");
  var button = live.querySelector("[data-live-new]");
  var waiting = [];  // entries not yet shown, newest first
  var missed = false;  // more arrived than an answer holds: the button reloads the page instead
  var timer = null;
  var asking = false;
  var failures = 0;
  var received = {};  // the HTML last received for each replaced part, to replace it only when it changed

  function parse(html) {
    var body = new DOMParser().parseFromString(html, "text/html").body;
    return body.firstElementChild;
  }

  function shown(id) {
    return list.querySelector('[data-entry="' + id + '"]');
  }

  function newestShown() {
    var first = list.querySelector("[data-entry]");
    return first ? parseInt(first.getAttribute("data-sequence"), 10) : 0;
  }

  function digits(number) {
    return document.documentElement.lang === "ar" && live.hasAttribute("data-arabic-digits")
      ? number.toLocaleString("ar-EG") : String(number);
  }

  function showButton(count) {
    if (!count) {
      button.hidden = true;
      return;
    }
    button.textContent = button.getAttribute("data-label").replace("{count}", digits(count));
    button.hidden = false;
  }

  function replace(name, html) {
    var container = live.querySelector("[data-live-" + name + "]");
    if (!container) return;
    if (!(name in received)) received[name] = container.innerHTML.trim();
    if (received[name] !== html) {
      container.innerHTML = html;
      received[name] = html;
    }
  }

  function apply(answer) {
    var newest = newestShown();
    var known = {};
    waiting.forEach(function (entry) { known[entry.id] = true; });
    var oldest = answer.entries.length ? answer.entries[answer.entries.length - 1].sequence : 0;
    var newestInAnswer = answer.entries.length ? answer.entries[0].sequence : 0;
    if (oldest > newest + 1) {
      // More entries came than one answer holds (a page left hidden for long): the reload shows them all.
      missed = true;
      showButton(newestInAnswer - newest);
      return;
    }
    answer.entries.slice().reverse().forEach(function (entry) {
      var element = shown(entry.id);
      if (element) {
        if (element.getAttribute("data-version") !== String(entry.version)) element.replaceWith(parse(entry.html));
      } else if (entry.sequence > newest && !known[entry.id]) {
        waiting.unshift(entry);
      } else if (known[entry.id]) {
        waiting = waiting.map(function (other) { return other.id === entry.id ? entry : other; });
      }
    });
    replace("highlights", answer.highlights);
    replace("status", answer.status);
    showButton(waiting.length);
  }

  function schedule(seconds) {
    clearTimeout(timer);
    timer = null;
    if (seconds > 0 && !document.hidden) {
      // A little jitter, so that a page's readers do not all ask in the same second.
      timer = setTimeout(ask, seconds * 1000 * (0.9 + Math.random() * 0.2));
    }
  }

  function ask() {
    if (asking) return;
    asking = true;
    // "no-cache": the browser asks again every time, with its ETag, and a cache in front answers 304.
    fetch(address, { cache: "no-cache", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) interval = 0;  // the page is gone (unpublished): stop asking
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        interval = answer.ended ? 0 : answer.interval;
        apply(answer);
      })
      .catch(function () { failures += 1; })
      .then(function () {
        asking = false;
        // A bad link or a struggling server: wait twice as long after each failure, at most five minutes.
        schedule(failures ? Math.min(interval * Math.pow(2, failures), 300) : interval);
      });
  }

  button.addEventListener("click", function () {
    if (missed) {
      window.location.reload();
      return;
    }
    var empty = list.querySelector("[data-live-empty]");
    if (empty) empty.remove();
    var first = null;
    waiting.slice().reverse().forEach(function (entry) {
      var element = parse(entry.html);
      list.insertBefore(element, list.firstElementChild);
      first = element;
    });
    waiting = [];
    showButton(0);
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) schedule(0);
    else if (interval > 0) schedule(1);
  });

  schedule(interval);
})();
