// The breaking-news alerts button (templates/push/button.html): shown only in a browser that can take Web Push,
// and nothing happens until the reader clicks it. A click asks for permission, subscribes with the site's VAPID key
// and posts the subscription; once subscribed, the same button unsubscribes.
"use strict";

(() => {
  const box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  const button = box.querySelector("button");
  const status = box.querySelector("[data-push-status]");
  const labelOff = button.textContent;
  let subscription = null;
  // What the reader is told as is; any other error (the browser's own, in English) becomes the generic message.
  class Refusal extends Error {}

  const keyBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (character) => character.charCodeAt(0));
  };

  const show = (current) => {
    subscription = current;
    button.textContent = current ? box.dataset.labelOn : labelOff;
    button.setAttribute("aria-pressed", current ? "true" : "false");
  };

  const post = async (url, body) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (!response.ok) {
      let message = box.dataset.failed;
      try {
        message = (await response.json()).error || message;
      } catch (error) {
        // not JSON: the generic message
      }
      throw new Refusal(message);
    }
  };

  const subscribe = async () => {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      throw new Refusal(box.dataset.denied);
    }
    const registration = await navigator.serviceWorker.register(box.dataset.worker, { scope: "/" });
    await navigator.serviceWorker.ready;
    const current = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(box.dataset.key),
    });
    try {
      await post(box.dataset.subscribe, { subscription: current.toJSON(), consent: true });
    } catch (error) {
      await current.unsubscribe();
      throw error;
    }
    show(current);
    status.textContent = box.dataset.subscribed;
  };

  const unsubscribe = async () => {
    await post(box.dataset.unsubscribe, { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
    show(null);
    status.textContent = box.dataset.unsubscribed;
  };

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      await (subscription ? unsubscribe() : subscribe());
    } catch (error) {
      status.textContent = error instanceof Refusal ? error.message : box.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });

  box.hidden = false;
  // What this browser has already (no prompt: reading the subscription asks nothing).
  navigator.serviceWorker
    .getRegistration("/")
    .then((registration) => (registration ? registration.pushManager.getSubscription() : null))
    .then(show, () => show(null));
})();
