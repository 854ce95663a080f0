// Passkeys: the browser's WebAuthn prompt around ordinary forms. A form marked data-passkey
// ("create" or "get") fetches its options from data-options, asks the browser for a passkey,
// puts the answer in its hidden `credential` field and then is posted like any other form.
// Forms stay hidden in a browser without passkeys (or without JavaScript).
for (const form of document.querySelectorAll("form[data-passkey]")) {
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) continue;
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = form.querySelector("[data-passkey-status]");
    status.textContent = "Waiting for your passkey…";
    try {
      const answer = await fetch(form.dataset.options, {
        method: "POST",
        headers: { "X-CSRF-Token": form.elements.csrf_token.value },
      });
      if (!answer.ok) throw new Error("options");
      const options = await answer.json();
      const credential = form.dataset.passkey === "create"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      form.elements.credential.value = JSON.stringify(credential.toJSON());
      form.submit();
    } catch (error) {
      status.textContent = error.name === "NotAllowedError"
        ? "No passkey was used: the request was cancelled or timed out."
        : "That did not work. Please try again.";
    }
  });
}
