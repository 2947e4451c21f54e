// tobira's service worker on a set-up phone: shows sign-in requests that arrive by Web Push and
// opens the approval page when one is tapped. The server writes the title and body in the phone's
// language ("Sign-in request — Sign-in to Partner (Chrome on Windows). Tap to review.").
self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  if (data.type !== 'approval') return;
  const title = data.title || data.client || 'tobira';
  const body = data.body || [data.client, data.browser].filter(Boolean).join(' · ');
  event.waitUntil(self.registration.showNotification(title, {
    body,
    lang: data.lang || undefined,
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
