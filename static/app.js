// FlickList's script for every page: where focus goes after an htmx swap, rows coming back
// into their place, and small helps to forms (show password, a title's length, shift-click
// to tick a range). Everything works without it; it only makes things smoother.

const FOCUSABLE = "a[href], button, input:not([type=hidden])";

// A row about to leave the list (crossed off, deleted): its neighbours, and which of its
// controls had focus, so that focus can go to the same control of the row that takes its place.
let leaving = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.detail.target;
  if (!(row instanceof Element) || !row.matches("li.movie")) return;
  const controls = [...row.querySelectorAll(FOCUSABLE)];
  leaving = {
    neighbours: [row.nextElementSibling, row.previousElementSibling],
    index: Math.max(0, controls.indexOf(document.activeElement)),
  };
});

// An error sends focus to the field to correct (its message is its description), else to the
// banner that explains it. A row that left gives focus to the
// next row (the previous one at the end, the list's heading when it is empty), so the page
// does not scroll away from where the person was.
function placeFocus() {
  const row = leaving;
  leaving = null;
  const banner = document.getElementById("flash");
  if (banner.querySelector(".flash-error")) {
    (document.querySelector("main [aria-invalid=true]") || banner).focus();
    return;
  }
  const focused = document.activeElement;
  if (focused && focused !== document.body && document.contains(focused) && focused.checkVisibility()) return;
  if (row) {
    const next = row.neighbours.find((element) => element && element.isConnected && element.matches("li.movie"));
    if (next) {
      const controls = next.querySelectorAll(FOCUSABLE);
      (controls[row.index] || controls[0]).focus();
      return;
    }
  }
  (document.getElementById("list-heading") || document.getElementById("title") || document.getElementById("main")).focus();
}

// Rows the server sent back (an undo, an add) arrive at the top of the list, each naming the
// row it goes before in the page's sort. One whose place is further down than the rows loaded
// so far is dropped: "Show more" brings it in its place.
function placeRows() {
  // Last first: each row's place is then beside an old row or one already placed.
  for (const row of [...document.querySelectorAll("li[data-place-before]")].reverse()) {
    const before = row.dataset.placeBefore && document.getElementById(row.dataset.placeBefore);
    row.removeAttribute("data-place-before");
    const more = row.parentElement.querySelector(":scope > .more");
    if (before) row.parentElement.insertBefore(row, before);
    else if (more) row.remove();
    else row.parentElement.append(row);
  }
}

// Every htmx answer carries the banner out-of-band, and the banner stays in the page even
// when the swapped element is removed (whose own events no longer reach the document).
// (htmx fires oobAfterSwap on the detached fragment, so this listens for oobBeforeSwap on
// the banner itself.) Waiting past the settle delay lets htmx finish its swap and autofocus.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.target.id !== "flash") return;
  setTimeout(() => {
    placeRows();
    placeFocus();
  }, htmx.config.defaultSettleDelay + 10);
});

// A "Show password" button beside each password field; without JavaScript it is a plain one.
function addShowPassword(root) {
  for (const input of root.querySelectorAll("input[type=password]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary show-password";
    button.textContent = "Show password";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", () => {
      const shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", String(shown));
    });
    input.after(button);
  }
}

// Near a field's limit (data-limit), how many characters are left, or how many too many;
// the server refuses a title over the limit whatever this says.
function countCharacters(root) {
  for (const input of root.querySelectorAll("input[data-limit]")) {
    const counter = document.getElementById(input.dataset.counter);
    const limit = Number(input.dataset.limit);
    const update = () => {
      const left = limit - input.value.trim().replace(/\s+/g, " ").length;
      counter.hidden = left > 20;
      counter.textContent = left >= 0 ? `${left} characters left` : `${-left} characters too many`;
      counter.classList.toggle("field-error", left < 0);
    };
    input.addEventListener("input", update);
    update();
  }
}

// A list's text filter applies on Enter (a submit), not also on the change Enter fires
// first: one view, one entry in the history.
document.addEventListener(
  "change",
  (event) => {
    if (event.target.matches(".list-controls input[type=search]")) event.stopPropagation();
  },
  true,
);

// Shift-click ticks (or unticks) every row between the last one clicked and this one.
let lastTicked = null;
document.addEventListener("click", (event) => {
  const tick = event.target;
  if (!(tick instanceof HTMLInputElement) || !tick.classList.contains("tick")) return;
  if (event.shiftKey && lastTicked && lastTicked.isConnected) {
    const ticks = [...document.querySelectorAll("input.tick")];
    const [from, to] = [ticks.indexOf(lastTicked), ticks.indexOf(tick)].sort((a, b) => a - b);
    for (const between of ticks.slice(from, to + 1)) between.checked = tick.checked;
  }
  lastTicked = tick;
});

htmx.onLoad((root) => {
  addShowPassword(root);
  countCharacters(root);
});

// Back and Forward between views of a list: htmx reads the page again for an entry it pushed;
// for one it did not mark (the page first loaded), the page is read again here, so what shows
// is always what the address says. A change of #fragment alone is left to the browser.
let shownAt = location.pathname + location.search;
document.addEventListener("htmx:pushedIntoHistory", () => {
  shownAt = location.pathname + location.search;
});
window.addEventListener("popstate", (event) => {
  if (!(event.state && event.state.htmx) && location.pathname + location.search !== shownAt) location.reload();
});
