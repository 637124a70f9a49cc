// "Fetch from the web": POST /images/{ns}/proxy with a list of URLs and an optional proxy pool;
// shows what was stored and each URL's error.

import { api } from "./api.js";
import { currentNamespace, reloadGrid } from "./grid.js";
import { element } from "./util.js";

function show(result, answer) {
  const stored = Object.entries(answer.urls || {});
  const errors = Object.entries(answer.errors || {});
  const heading = element(
    "p",
    "fetch-summary",
    `${stored.length} stored, ${errors.length} failed`,
  );
  const list = element("ul", "fetch-list");
  for (const [source, ours] of stored) {
    const item = element("li", "fetch-stored");
    const link = element("a", null, ours);
    link.href = ours;
    link.target = "_blank";
    link.rel = "noreferrer noopener";
    item.append(element("span", "fetch-source", `${source} → `), link);
    list.append(item);
  }
  for (const [source, reason] of errors) {
    const item = element("li", "fetch-error");
    item.append(element("span", "fetch-source", `${source}: `), element("span", "error", reason));
    list.append(item);
  }
  result.replaceChildren(heading, list);
}

export function wireFetchForm() {
  const form = document.getElementById("fetch-form");
  const result = document.getElementById("fetch-result");
  const submit = document.getElementById("fetch-submit");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const namespace = currentNamespace();
    if (!namespace) return;
    const urls = document
      .getElementById("fetch-urls")
      .value.split(/\s+/)
      .map((line) => line.trim())
      .filter(Boolean);
    const pool = document.getElementById("fetch-pool").value.trim();
    submit.disabled = true;
    result.replaceChildren(element("p", "muted", `Fetching ${urls.length} URL(s)…`));
    try {
      const answer = await api("POST", `/images/${encodeURIComponent(namespace)}/proxy`, {
        urls,
        pool: pool || null,
      });
      show(result, answer);
      if (Object.keys(answer.urls || {}).length > 0) reloadGrid();
    } catch (error) {
      result.replaceChildren(element("p", "error", error.message));
    } finally {
      submit.disabled = false;
    }
  });
}

export function clearFetchResult() {
  document.getElementById("fetch-result").replaceChildren();
}
