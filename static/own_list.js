// Drag and drop on a list of the person's own (templates/own_list.html): a row dropped on
// another takes its place. The move is posted as the row's "Place" form would post it (htmx's
// header asks for no page back), then the rows shown are put in their new order and numbered
// again, and the move is read out. The Up, Down and Place controls do the same without a mouse.
(() => {
  const list = document.querySelector("ol.list-entries[data-ordered]"); // a sorted or filtered view is not moved
  if (!list) return;
  const status = document.getElementById("reorder-status");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const first = Number(list.getAttribute("start"));
  const films = Number(list.dataset.films);
  let dragged = null;

  const rows = () => [...list.querySelectorAll("li.list-entry")];
  for (const row of rows()) row.draggable = true;

  function renumber() {
    rows().forEach((row, index) => {
      const place = first + index;
      row.dataset.place = String(place);
      const rank = row.querySelector(".rank");
      if (rank) rank.textContent = String(place);
      row.querySelector("input[name=place]").value = String(place);
      row.querySelector("button[value=up]").disabled = place === 1;
      row.querySelector("button[value=down]").disabled = place === films;
    });
  }

  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li.list-entry");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.entry);
    dragged.classList.add("dragging");
  });

  list.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
  });

  list.addEventListener("dragover", (event) => {
    const over = event.target.closest("li.list-entry");
    if (dragged && over && over !== dragged) event.preventDefault();
  });

  list.addEventListener("drop", async (event) => {
    const over = event.target.closest("li.list-entry");
    const moving = dragged;
    if (!moving || !over || over === moving) return;
    event.preventDefault();
    const place = Number(over.dataset.place);
    const title = moving.querySelector(".title").textContent;
    const response = await fetch(`/lists/${list.dataset.list}/entries/${moving.dataset.entry}/move`, {
      method: "POST",
      headers: { "HX-Request": "true", "X-CSRF-Token": csrf },
      body: new URLSearchParams({ place: String(place), csrf_token: csrf }),
    });
    if (!response.ok) {
      status.textContent = `'${title}' did not move: reload the page and try again.`;
      return;
    }
    over.insertAdjacentElement(place < Number(moving.dataset.place) ? "beforebegin" : "afterend", moving);
    renumber();
    status.textContent = `Moved '${title}' to place ${place}.`;
  });
})();
