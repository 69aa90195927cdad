// The site's service worker (served at /push-worker.js, push/views.py): it shows the urgent alerts pushed to this
// browser and opens the alert's page when the reader clicks one. Nothing else: no caching, no fetch handler.
"use strict";

self.addEventListener("push", (event) => {
  let alert = {};
  try {
    alert = event.data ? event.data.json() : {};
  } catch (error) {
    return;
  }
  if (!alert.body) {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(alert.title || "", {
      body: alert.body,
      tag: alert.tag,
      data: { url: alert.url || "/" },
      lang: alert.lang || "",
      dir: alert.dir || "auto",
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const address = event.notification.data && event.notification.data.url;
  const url = new URL(address || "/", self.location.origin);
  if (url.origin !== self.location.origin) {
    return;
  }
  // A tab already showing the page is brought forward rather than a second one opened.
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((tabs) => {
      const open = tabs.find((tab) => tab.url === url.href && "focus" in tab);
      return open ? open.focus() : self.clients.openWindow(url.href);
    }),
  );
});
