// Small helpers shared by the views.

/** A runner that lets at most n tasks (functions returning promises) run at once. */
export function limiter(n) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= n || waiting.length === 0) return;
    running++;
    const { task, resolve, reject } = waiting.shift();
    Promise.resolve()
      .then(task)
      .then(resolve, reject)
      .finally(() => {
        running--;
        next();
      });
  };
  return (task) =>
    new Promise((resolve, reject) => {
      waiting.push({ task, resolve, reject });
      next();
    });
}

export function formatBytes(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "?";
  const exact = `${n.toLocaleString("en")} bytes`;
  if (n < 1024) return exact;
  const units = ["KB", "MB", "GB"];
  let value = n;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]} (${exact})`;
}

export function formatDate(text) {
  if (!text) return "?";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? String(text) : date.toLocaleString();
}

/** Path and query of url, for requests to this origin whatever host the service put in it. */
export function localPath(url) {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Copies the value of a read-only input, with a fallback where the Clipboard API is missing. */
export async function copyFrom(input, status) {
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = "Copied.";
  } catch {
    input.focus();
    input.select();
    const copied = document.execCommand && document.execCommand("copy");
    status.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C) to copy.";
  }
}
