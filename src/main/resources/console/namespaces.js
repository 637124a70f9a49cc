// The list of namespaces, and a form to open one by name (also a new one: uploading creates it).

import { api } from "./api.js";
import { element } from "./util.js";
import { Pager } from "./pager.js";

let pager = null;

export function showNamespaces() {
  const list = document.getElementById("namespace-list");
  const empty = document.getElementById("namespace-empty");
  const button = document.getElementById("namespace-more");
  list.replaceChildren();
  empty.hidden = true;
  button.hidden = false;
  if (pager) pager.stop();
  pager = new Pager(
    button,
    async (after) => {
      const query = new URLSearchParams({ limit: "200" });
      if (after) query.set("after", after);
      const page = await api("GET", `/images?${query}`);
      return { items: page.namespaces || [], next: page.next };
    },
    (names) => {
      for (const name of names) {
        const link = element("a", "namespace-link", name);
        link.href = `#/n/${encodeURIComponent(name)}`;
        const item = element("li");
        item.append(link);
        list.append(item);
      }
      empty.hidden = list.children.length > 0 || !pager.done;
    },
  );
  pager.more();
}

export function leaveNamespaces() {
  if (pager) pager.stop();
  pager = null;
}

export function wireNamespaceForm() {
  document.getElementById("open-namespace").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = document.getElementById("namespace-name").value.trim();
    if (name) location.hash = `#/n/${encodeURIComponent(name)}`;
  });
}
