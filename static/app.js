// FlickList's script for every page: where focus goes after an htmx swap, rows coming back
// into their place, and small helps to forms (show password, a title's length, shift-click
// to tick a range). Everything works without it; it only makes things smoother.

const FOCUSABLE = "a[href], button, input:not([type=hidden])";

// A row's controls in order. A row htmx swapped in holds its <noscript> button as an element
// (the page's own rows hold it as text), which would shift the count by one: left out.
function controlsOf(row) {
  return [...row.querySelectorAll(FOCUSABLE)].filter((control) => !control.closest("noscript"));
}

// A row about to be swapped: its id, its neighbours and which of its controls had focus. Sent
// back in its own place (rated, liked), focus goes to the same control of its new copy; gone
// (crossed off, deleted), to the same control of the row that takes its place.
let leaving = null;

// Whether the swap takes away the element that has focus: only then does focus need a new place
// (a status that refreshes itself while focus is elsewhere, or nowhere, leaves focus alone).
let focusSwappedAway = false;

// Films ticked and sent from the bar: where the first of them was, for Undo in its place.
let leavingTogether = null;

// Whether an Undo (the banner's or one in place) was pressed: the rows it brings back get focus.
let undoing = false;

// The nearest row of the list from `start` on, going `step` ("nextElementSibling" or
// "previousElementSibling"), skipping rows `skip` says are leaving too.
function nearestRow(start, step, skip = () => false) {
  let row = start;
  while (row && !(row.matches("li.movie") && !skip(row))) row = row[step];
  return row;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.detail.target;
  focusSwappedAway = row instanceof Element && row.contains(document.activeElement);
  if (!(row instanceof Element) || !row.matches("li.movie")) return;
  const controls = controlsOf(row);
  leaving = {
    id: row.id,
    hadFocus: focusSwappedAway,
    neighbours: [nearestRow(row.nextElementSibling, "nextElementSibling"), nearestRow(row.previousElementSibling, "previousElementSibling")],
    index: Math.max(0, controls.indexOf(document.activeElement)),
  };
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (form.closest && form.closest(".undo-row, #flash")) undoing = true;
  if (form.id !== "bulk-form") return;
  const ticked = (row) => row.querySelector(".tick:checked");
  const first = [...document.querySelectorAll("li.movie")].find(ticked);
  if (first) leavingTogether = { next: nearestRow(first, "nextElementSibling", ticked) || first.parentElement.querySelector(":scope > .more") };
});

// Undo in place of the row that left: a row saying what happened, with its own copy of the
// banner's Undo (the banner keeps one too), just before `next` (or at the list's end). One at a time:
// a newer action's Undo replaces the older one's.
function offerUndo(next, list) {
  const message = [...document.querySelectorAll("#flash .flash")].pop();
  const form = message && message.querySelector("form.flash-action");
  for (const old of document.querySelectorAll(".undo-row")) old.remove();
  if (!form || !list) return null;
  const row = document.createElement("li");
  row.className = "undo-row";
  const text = document.createElement("span");
  text.textContent = message.querySelector(".flash-text").textContent;
  const undo = form.cloneNode(true);
  row.append(text, undo);
  if (next && next.parentElement === list) list.insertBefore(row, next);
  else list.append(row);
  htmx.process(undo);
  return row;
}

// A film page's own part (#film-state) comes back whole after a change made on it: focus goes
// to the control of the same id in the new one (a star, Like), else to its heading.
let filmStateFocus = null;
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.target.id !== "film-state") return;
  filmStateFocus = event.target.contains(document.activeElement) ? document.activeElement.id : null;
});

// An error sends focus to the field to correct (its message is its description), else to the
// banner that explains it. A row that left gives focus to the
// next row (the previous one at the end, the list's heading when it is empty), so the page
// does not scroll away from where the person was.
function placeFocus(placed) {
  const row = leaving;
  const together = leavingTogether;
  const undone = undoing;
  leaving = leavingTogether = null;
  undoing = false;
  const stateFocus = filmStateFocus;
  filmStateFocus = null;
  const banner = document.getElementById("flash");
  if (banner.querySelector(".flash-error")) {
    (document.querySelector("main [aria-invalid=true]") || banner).focus();
    return;
  }
  if (stateFocus !== null) {
    focusSwappedAway = false;
    ((stateFocus && document.getElementById(stateFocus)) || document.getElementById("your-lists")).focus();
    return;
  }
  const again = row && row.id && document.getElementById(row.id);
  if (again) {
    focusSwappedAway = false;
    const controls = controlsOf(again);
    if (row.hadFocus) (controls[row.index] || controls[0]).focus();
    return;
  }
  if (row) offerUndo(row.neighbours[0], document.querySelector("ul.movies"));
  // Rows an Undo brought back: focus on the first one's first control, where the Undo was.
  if (undone) for (const old of document.querySelectorAll(".undo-row")) old.remove();
  if (placed.length && undone) {
    focusSwappedAway = false;
    controlsOf(placed[0])[0].focus();
    return;
  }
  // Ticked films sent from the bar, which hides: focus on the Undo in their place.
  if (together) {
    const offered = offerUndo(together.next && together.next.isConnected ? together.next : null, document.querySelector("ul.movies"));
    if (offered) {
      offered.querySelector("button").focus();
      return;
    }
  }
  const focused = document.activeElement;
  if (focused && focused !== document.body && document.contains(focused) && focused.checkVisibility()) return;
  const hadFocus = focusSwappedAway;
  focusSwappedAway = false;
  if (!row && !hadFocus) return;
  if (row) {
    const next = row.neighbours.find((element) => element && element.isConnected);
    if (next) {
      const controls = controlsOf(next);
      (controls[row.index] || controls[0]).focus();
      return;
    }
  }
  const heading = document.getElementById("list-heading") || document.getElementById("friends-heading");
  (heading || document.getElementById("title") || document.getElementById("main")).focus();
}

// Rows the server sent back (an undo, an add) arrive at the top of the list, each naming the
// row it goes before in the page's sort. One whose place is further down than the rows loaded
// so far is dropped: "Show more" brings it in its place.
function placeRows() {
  const placed = [];
  // Last first: each row's place is then beside an old row or one already placed.
  for (const row of [...document.querySelectorAll("li[data-place-before]")].reverse()) {
    const before = row.dataset.placeBefore && document.getElementById(row.dataset.placeBefore);
    row.removeAttribute("data-place-before");
    const more = row.parentElement.querySelector(":scope > .more");
    if (before) row.parentElement.insertBefore(row, before);
    else if (more) row.remove();
    else row.parentElement.append(row);
    if (row.isConnected) placed.unshift(row);
  }
  return placed;
}

// Every htmx answer carries the banner out-of-band, and the banner stays in the page even
// when the swapped element is removed (whose own events no longer reach the document).
// (htmx fires oobAfterSwap on the detached fragment, so this listens for oobBeforeSwap on
// the banner itself.) Waiting past the settle delay lets htmx finish its swap and autofocus.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (event.target.id !== "flash") return;
  setTimeout(() => placeFocus(placeRows()), htmx.config.defaultSettleDelay + 10);
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

// The account menu closes on Escape (focus back on its summary), when focus leaves it and on a
// click outside it, so it never covers the control that has focus. Without JavaScript it is a
// plain <details>.
document.addEventListener("keydown", (event) => {
  const menu = event.key === "Escape" && event.target.closest && event.target.closest("details.account-menu[open]");
  if (!menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});
document.addEventListener("focusout", (event) => {
  const menu = event.target.closest && event.target.closest("details.account-menu[open]");
  if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
});
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.account-menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});

// "Go to actions for ticked films", beside a ticked row's tick: focus on the bar's first action.
// (Without JavaScript the link goes to the bar, and the next Tab reaches its first action.)
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.to-bulk");
  if (!link) return;
  event.preventDefault();
  document.querySelector("#bulk-form button").focus();
});

// While the bar for ticked films shows, stuck to the bottom, the page keeps the control that
// has focus clear of it: scroll padding the bar's height (and the gap under it).
const bar = document.getElementById("bulk-form");
if (bar) {
  new ResizeObserver(() => {
    const height = bar.getBoundingClientRect().height;
    const gap = parseFloat(getComputedStyle(bar).bottom) || 0;
    document.documentElement.style.scrollPaddingBottom = height ? `${Math.ceil(height + 2 * gap)}px` : "";
  }).observe(bar);
}

// A page loaded after a plain form's submit: focus on its message (an error's field first), as
// a message already on the page when it loads is not reliably announced. A field the page
// puts focus in itself (autofocus: the empty watchlist's title) keeps it.
function focusMessage() {
  const banner = document.getElementById("flash");
  if (!banner || !banner.querySelector(".flash") || document.querySelector("main [autofocus]")) return;
  const invalid = banner.querySelector(".flash-error") && document.querySelector("main [aria-invalid=true]");
  (invalid || banner).focus();
}
focusMessage();

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
