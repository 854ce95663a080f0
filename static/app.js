// FlickList's only script: after an htmx swap, put keyboard focus somewhere sensible.
// An error sends focus to the banner that explains it; a removed row would otherwise leave
// focus on nothing, so it goes to the add field (or the page's main content).
document.addEventListener("htmx:afterSettle", () => {
  const banner = document.getElementById("flash");
  if (banner && banner.querySelector(".flash-error")) {
    banner.focus();
    return;
  }
  const focused = document.activeElement;
  if (focused && focused !== document.body && document.contains(focused)) return;
  (document.getElementById("title") || document.getElementById("main")).focus();
});
