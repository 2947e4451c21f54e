// tobira's service worker on a set-up phone: shows sign-in requests that arrive by Web Push and
// opens the approval page when one is tapped.
self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  if (data.type !== 'approval') return;
  event.waitUntil(self.registration.showNotification(data.client || 'tobira', {
    body: data.browser ? `${data.browser}` : '',
    tag: `approval-${data.approvalId}`,
    requireInteraction: true,
    data: { url: data.url },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
