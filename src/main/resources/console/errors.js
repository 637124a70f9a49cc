// The visible error area: every failure the console meets ends up here (or beside the thing it
// concerns), never only in the browser's developer console.

const MAX_SHOWN = 6;

export function showError(message) {
  const area = document.getElementById("errors");
  const item = document.createElement("div");
  item.className = "error-item";
  const text = document.createElement("span");
  text.textContent = message;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => item.remove());
  item.append(text, dismiss);
  area.append(item);
  while (area.children.length > MAX_SHOWN) area.firstElementChild.remove();
}

export function report(error) {
  showError(error && error.message ? error.message : String(error));
}

/** Anything that escaped a handler is still shown. */
export function catchStrays() {
  window.addEventListener("unhandledrejection", (event) => report(event.reason));
  window.addEventListener("error", (event) => report(event.error || event.message));
}
