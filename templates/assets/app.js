// Progressive enhancement only: every page works without this script.
document.addEventListener('DOMContentLoaded', () => {
  for (const select of document.querySelectorAll('select[data-autosubmit]')) {
    const button = select.form && select.form.querySelector('button[type="submit"]');
    if (button) button.hidden = true;
    select.addEventListener('change', () => select.form.requestSubmit());
  }
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  const summary = document.querySelector('[data-focus-on-load]');
  if (summary) summary.focus();
});
