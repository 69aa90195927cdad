// Cookie choices without a reload. Every form here also works without JavaScript: it posts, the server records
// the choice, sets the cookies and sends the reader back to the same page. With JavaScript the same post returns
// JSON and this script applies the choice to the page: banner, media players, analytics script, cookies.
(function () {
  "use strict";
  var banner = document.getElementById("consent-banner");
  if (!banner || !window.fetch) return;
  var status = document.getElementById("consent-status");
  var analyticsSrc = banner.getAttribute("data-analytics-src");
  var analyticsCookies = (banner.getAttribute("data-analytics-cookies") || "").split(" ").filter(Boolean);

  var lastSubmitter = null;
  // Global Privacy Control, as the server saw it (the header) or as the browser tells this script.
  var gpc = banner.hasAttribute("data-gpc") || navigator.globalPrivacyControl === true;

  // The choice in the consent cookie, if it answers the policy version this page was rendered with. As on the
  // server, Global Privacy Control overrides a choice made without it.
  function storedChoice() {
    var name = banner.getAttribute("data-cookie") + "=";
    var value = document.cookie.split("; ").filter(function (item) { return item.indexOf(name) === 0; })[0];
    if (!value) return null;
    var parts = decodeURIComponent(value.slice(name.length)).split(":");
    if (parts.length < 2 || parts[0] !== banner.getAttribute("data-policy-version")) return null;
    if (gpc && parts[2] !== "gpc") return null;
    return parts[1] === "none" ? [] : parts[1].split("+");
  }

  function showEmbed(figure, allowed) {
    var player = figure.querySelector("iframe");
    var placeholder = figure.querySelector(".embed__placeholder");
    if (allowed && !player) {
      player = document.createElement("iframe");
      player.className = "embed__player";
      player.src = figure.getAttribute("data-embed-src");
      player.title = figure.getAttribute("data-embed-title");
      player.loading = "lazy";
      player.allowFullscreen = true;
      player.referrerPolicy = "strict-origin-when-cross-origin";
      player.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
      figure.insertBefore(player, placeholder);
    } else if (!allowed && player) {
      player.remove();
    }
    if (placeholder) placeholder.hidden = allowed;
  }

  // Delete the analytics cookies this page can see: host-only, and on this host and each parent domain
  // (www.example.org, example.org; never the top-level domain) where a script may have set them.
  function deleteAnalyticsCookies() {
    var host = location.hostname.split(".");
    var domains = [""];
    for (var i = 0; i < host.length - 1; i++) domains.push("; domain=" + host.slice(i).join("."));
    document.cookie.split("; ").forEach(function (item) {
      var name = item.split("=")[0];
      if (!analyticsCookies.some(function (prefix) { return name.indexOf(prefix) === 0; })) return;
      domains.forEach(function (domain) { document.cookie = name + "=; path=/; max-age=0" + domain; });
    });
  }

  function apply(categories, chosen) {
    var analytics = categories.indexOf("analytics") !== -1;
    var embeds = categories.indexOf("embeds") !== -1;
    banner.hidden = chosen !== false || gpc || !!document.querySelector(".consent-settings");
    document.querySelectorAll(".consent-choices input[type=checkbox]:not([disabled])").forEach(function (box) {
      box.checked = categories.indexOf(box.name) !== -1;
    });
    document.querySelectorAll("figure.embed[data-embed-src]").forEach(function (figure) {
      showEmbed(figure, embeds);
    });
    if (analytics && analyticsSrc && !document.querySelector('script[src="' + analyticsSrc + '"]')) {
      var script = document.createElement("script");
      script.src = analyticsSrc;
      script.defer = true;
      document.head.appendChild(script);
    }
    if (!analytics) deleteAnalyticsCookies();
    // For an analytics tool already running on this page: it should stop when it hears this.
    document.dispatchEvent(new CustomEvent("consentchange", { detail: { categories: categories } }));
  }

  // Browsers without SubmitEvent.submitter (Safari before 15.4): remember which button was pressed.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[type=submit]");
    if (button && button.form && button.form.classList.contains("consent-form")) lastSubmitter = button;
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("consent-form")) return;
    event.preventDefault();
    var submitter = event.submitter || (lastSubmitter && lastSubmitter.form === form ? lastSubmitter : null);
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var hadFocus = form.contains(document.activeElement) || banner.contains(document.activeElement);

    // Let the server answer in full (an error page, in the reader's language) as it does without JavaScript.
    function postWithoutScript() {
      if (submitter && submitter.name) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = submitter.name;
        field.value = submitter.value;
        form.appendChild(field);
      }
      HTMLFormElement.prototype.submit.call(form);
    }

    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) return postWithoutScript();
        return response.json().then(function (body) {
          // The choice is saved: from here on, nothing posts it again.
          apply(body.categories);
          if (status) status.textContent = banner.getAttribute("data-saved");
          var target = form.closest(".embed") || document.getElementById("main");
          if (target && hadFocus) target.focus();
        });
      }, postWithoutScript);
  });

  // The footer link reopens the choices on the page itself; without JavaScript it leads to the settings page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-consent-open]");
    if (!link || document.querySelector(".consent-settings")) return;
    event.preventDefault();
    banner.hidden = false;
    var settings = banner.querySelector("details");
    if (settings) settings.open = true;
    banner.focus();
  });

  // A page from the browser's back-forward cache or a shared cache may predate the reader's latest choice, or
  // outlive it (expired, withdrawn, or answering an older policy): the cookie decides.
  function reconcile() {
    var choice = storedChoice();
    if (choice) apply(choice);
    else apply([], false);
  }
  reconcile();
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) reconcile();
  });
})();
