// The add field as a combobox over the catalog (WAI-ARIA 1.2, list autocomplete): htmx fetches
// the listbox as the person types; this moves through it (Up/Down), picks (Enter or a click:
// the film's id goes in the hidden `film` field) and closes it (Escape, or focus leaving the field).
// Typing again unpicks.
function comboboxParts(input) {
  const form = input.form;
  return { form, list: document.getElementById("film-options"), film: form.elements.film };
}

function setExpanded(input, open) {
  const { list } = comboboxParts(input);
  const options = list.querySelectorAll("[role=option]");
  const expanded = open && options.length > 0;
  list.hidden = !expanded;
  input.setAttribute("aria-expanded", String(expanded));
  if (!expanded) input.removeAttribute("aria-activedescendant");
}

function activate(input, option) {
  const { list } = comboboxParts(input);
  for (const other of list.querySelectorAll("[role=option]")) other.setAttribute("aria-selected", "false");
  if (!option) return;
  option.setAttribute("aria-selected", "true");
  input.setAttribute("aria-activedescendant", option.id);
  option.scrollIntoView({ block: "nearest" });
}

function pick(input, option) {
  const { film } = comboboxParts(input);
  input.value = option.dataset.title;
  film.value = option.dataset.film;
  setExpanded(input, false);
}

document.addEventListener("htmx:configRequest", (event) => {
  const input = event.detail.elt;
  if (input.getAttribute?.("role") !== "combobox") return;
  event.detail.parameters = { q: input.value };
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target.id !== "film-options" && event.detail.target?.id !== "film-options") return;
  const input = document.querySelector("input[role=combobox]");
  if (input) setExpanded(input, document.activeElement === input);
});

document.addEventListener("input", (event) => {
  const input = event.target;
  if (input.getAttribute?.("role") !== "combobox") return;
  comboboxParts(input).film.value = "";
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (input.getAttribute?.("role") !== "combobox") return;
  const { list } = comboboxParts(input);
  const options = [...list.querySelectorAll("[role=option]")];
  const current = options.findIndex((option) => option.id === input.getAttribute("aria-activedescendant"));
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (!options.length) return;
    event.preventDefault();
    setExpanded(input, true);
    const step = event.key === "ArrowDown" ? 1 : -1;
    activate(input, options[(current + step + options.length) % options.length]);
  } else if (event.key === "Enter" && current >= 0 && !list.hidden) {
    event.preventDefault();
    pick(input, options[current]);
  } else if (event.key === "Escape" && !list.hidden) {
    event.preventDefault();
    setExpanded(input, false);
  }
});

document.addEventListener("click", (event) => {
  const option = event.target.closest?.("#film-options [role=option]");
  const input = document.querySelector("input[role=combobox]");
  if (option && input) {
    pick(input, option);
    input.focus();
  } else if (input && !event.target.closest?.(".combobox")) {
    setExpanded(input, false);
  }
});

// Tab moves on to the next control and the list closes. Focus passing to the list itself (a
// click on an option focuses it, as it has tabindex=-1) keeps it open for the click to pick.
document.addEventListener("focusout", (event) => {
  const input = event.target;
  if (input.getAttribute?.("role") !== "combobox") return;
  if (event.relatedTarget?.closest?.(".combobox")) return;
  setExpanded(input, false);
});
