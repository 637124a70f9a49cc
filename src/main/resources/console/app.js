// The console's entry point: wires the views and routes by the URL's fragment
// (#/ = namespaces, #/n/{namespace} = its images). The fragment never holds the API key.

import { catchStrays } from "./errors.js";
import { leaveGrid, showGrid } from "./grid.js";
import { changeKey, showKeyState } from "./keyprompt.js";
import { leaveNamespaces, showNamespaces, wireNamespaceForm } from "./namespaces.js";
import { wirePanel } from "./panel.js";
import { clearFetchResult, wireFetchForm } from "./fetchform.js";
import { clearUploads, wireUpload } from "./upload.js";

function route() {
  const match = /^#\/n\/(.+)$/.exec(location.hash);
  const namespacesView = document.getElementById("namespaces-view");
  const namespaceView = document.getElementById("namespace-view");
  if (match) {
    let namespace;
    try {
      namespace = decodeURIComponent(match[1]);
    } catch {
      namespace = match[1];
    }
    leaveNamespaces();
    namespacesView.hidden = true;
    namespaceView.hidden = false;
    clearUploads();
    clearFetchResult();
    showGrid(namespace);
  } else {
    leaveGrid();
    namespaceView.hidden = true;
    namespacesView.hidden = false;
    showNamespaces();
  }
}

catchStrays();
showKeyState();
wireNamespaceForm();
wireUpload();
wireFetchForm();
wirePanel();
document.getElementById("key-button").addEventListener("click", () => changeKey(route));
window.addEventListener("hashchange", route);
route();
