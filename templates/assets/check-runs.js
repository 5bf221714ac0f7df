// Follows a queued or running check without a reload: polls the run's status, updates the
// progress in the aria-live region, and swaps in the finished report when it is done.
document.addEventListener('DOMContentLoaded', () => {
  const root = document.querySelector('[data-check-run]');
  if (!root || root.dataset.state === 'done' || root.dataset.state === 'failed') return;
  const id = root.dataset.checkRun;
  const poll = async () => {
    try {
      const response = await fetch(`/api/check-runs/${id}/status`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return setTimeout(poll, 5000);
      const status = await response.json();
      const progress = root.querySelector('#check-run-progress');
      const text = root.querySelector('[data-progress-text]');
      if (progress) progress.value = status.progress;
      if (text) text.textContent = `${status.progress} %`;
      if (status.state === 'done' || status.state === 'failed') {
        const page = await fetch(window.location.pathname, { credentials: 'same-origin' });
        const next = new DOMParser().parseFromString(await page.text(), 'text/html').querySelector('[data-check-run]');
        if (!next) return;
        for (const part of ['#check-run-status', '[data-run-actions]', '[data-report]']) {
          const here = root.querySelector(part);
          const there = next.querySelector(part);
          if (here && there) here.innerHTML = there.innerHTML;
        }
        root.dataset.state = status.state;
        return;
      }
      setTimeout(poll, 2000);
    } catch {
      setTimeout(poll, 5000);
    }
  };
  setTimeout(poll, 1500);
});
