// The API key dialog. The key stays in this tab's sessionStorage and goes out only in the
// X-API-Key header: never in a URL, where logs, history and Referer headers would keep it.

const STORAGE = "image-console.api-key";
let pending = null;

export function currentKey() {
  return sessionStorage.getItem(STORAGE);
}

/** A key the service refused is not kept: the header then says so, and a reload asks again. */
export function forgetKey() {
  setKey(null);
}

function setKey(key) {
  if (key) sessionStorage.setItem(STORAGE, key);
  else sessionStorage.removeItem(STORAGE);
  showKeyState();
}

export function showKeyState() {
  document.getElementById("key-state").textContent = currentKey() ? "API key set" : "No API key";
}

/**
 * Opens the dialog; resolves once a key is entered, rejects when the user cancels. Requests that
 * meet a 401 at the same time share one prompt.
 */
export function askForKey(message, error) {
  if (pending) return pending;
  pending = new Promise((resolve, reject) => open(message, error, resolve, reject)).finally(() => {
    pending = null;
  });
  return pending;
}

function open(message, error, resolve, reject) {
  const dialog = document.getElementById("key-dialog");
  const form = document.getElementById("key-form");
  const input = document.getElementById("key-input");
  const errorLine = document.getElementById("key-error");
  document.getElementById("key-message").textContent = message;
  errorLine.textContent = error || "";
  errorLine.hidden = !error;
  input.value = "";
  let settled = false;
  const finish = (entered) => {
    if (settled) return;
    settled = true;
    form.removeEventListener("submit", onSubmit);
    dialog.removeEventListener("close", onClose);
    document.getElementById("key-cancel").removeEventListener("click", onCancel);
    document.getElementById("key-forget").removeEventListener("click", onForget);
    if (dialog.open) dialog.close();
    if (entered) resolve();
    else reject(Object.assign(new Error("An API key is needed for this."), { status: 401 }));
  };
  const onSubmit = (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    setKey(key);
    finish(true);
  };
  const onClose = () => finish(false);
  const onCancel = () => finish(false);
  const onForget = () => {
    setKey(null);
    finish(false);
  };
  form.addEventListener("submit", onSubmit);
  dialog.addEventListener("close", onClose);
  document.getElementById("key-cancel").addEventListener("click", onCancel);
  document.getElementById("key-forget").addEventListener("click", onForget);
  if (!dialog.open) dialog.showModal();
  input.focus();
}

/** The header's "API key…" button: enter or forget a key at any time. */
export function changeKey(onChanged) {
  askForKey("Enter the API key to use (one of the service's API_KEYS).").then(onChanged, () => {
    showKeyState();
    onChanged();
  });
}
