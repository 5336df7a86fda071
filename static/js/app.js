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
