// "Copy" buttons beside text to copy (data-copy names the element holding it): hidden until
// this script shows them, since without it the text is there to select by hand.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy).textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
      button.firstChild.textContent = "Copied";
    } catch {
      button.firstChild.textContent = "Select and copy it";
    }
  });
});
