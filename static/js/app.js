// "/" puts the cursor in the page's search box, as in the tools officers already use.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  const search = document.querySelector("[data-search-box]");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});

// A board move that changes the ledger's figures is confirmed in its card first (a <details> panel,
// so it works from the keyboard and needs no blocking dialog): opening it puts the focus on the
// confirm button; Escape or "cancel" closes it and gives the focus back; confirming closes it too.
document.addEventListener(
  "toggle",
  function (event) {
    const panel = event.target;
    if (!(panel instanceof HTMLDetailsElement) || !panel.matches("[data-board-confirm]") || !panel.open) return;
    const go = panel.querySelector("[data-confirm-go]");
    if (go) go.focus();
  },
  true,
);

function closeConfirm(panel) {
  panel.open = false;
  const summary = panel.querySelector("summary");
  if (summary) summary.focus();
}

document.addEventListener("click", function (event) {
  const cancel = event.target.closest("[data-confirm-cancel]");
  if (cancel) closeConfirm(cancel.closest("[data-board-confirm]"));
  const go = event.target.closest("[data-confirm-go]");
  if (go) go.closest("[data-board-confirm]").open = false;
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  const panel = event.target.closest && event.target.closest("[data-board-confirm][open]");
  if (panel) {
    event.preventDefault();
    closeConfirm(panel);
  }
});

// "Undo" after a move lasts as long as the server allows it (data-undo-seconds, less a second for
// the round trip); then it goes, rather than offering what would be refused.
function startUndoTimers(root) {
  const forms = root.matches && root.matches("[data-undo]") ? [root] : [];
  forms.push(...(root.querySelectorAll ? root.querySelectorAll("[data-undo]") : []));
  forms.forEach(function (form) {
    if (form.dataset.undoTimer) return;
    const seconds = Math.max(parseInt(form.dataset.undoSeconds, 10) - 1, 1);
    form.dataset.undoTimer = String(
      setTimeout(function () {
        if (form.isConnected) form.remove();
      }, seconds * 1000),
    );
  });
}

document.addEventListener("htmx:load", function (event) {
  startUndoTimers(event.detail.elt);
});
startUndoTimers(document);

// A "Print" button (data-print) prints the page: no inline script, so a strict CSP can hold.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
