// FlickList's only script: after an htmx swap, put keyboard focus somewhere sensible.
// An error sends focus to the banner that explains it; a removed row would otherwise leave
// focus on nothing, so it goes to the add field (or the page's main content).
function placeFocus() {
  const banner = document.getElementById("flash");
  if (banner.querySelector(".flash-error")) {
    banner.focus();
    return;
  }
  const focused = document.activeElement;
  if (focused && focused !== document.body && document.contains(focused)) return;
  (document.getElementById("title") || document.getElementById("main")).focus();
}

// Every htmx answer carries the banner out-of-band, and the banner stays in the page even
// when the swapped element is removed (whose own events no longer reach the document).
// (htmx fires oobAfterSwap on the detached fragment, so this listens for oobBeforeSwap on
// the banner itself.) Waiting past the settle delay lets htmx finish its swap and autofocus.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.target.id === "flash") setTimeout(placeFocus, htmx.config.defaultSettleDelay + 10);
});
