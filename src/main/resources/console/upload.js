// Upload by drag-and-drop or file picker, several files at once. Each file gets its own line:
// a progress bar while it is sent, "processing" while the server decodes and stores it, then
// either "stored" (and a tile in the grid) or the server's own detail. One failure never stops
// the others.

import { upload } from "./api.js";
import { addStored, currentNamespace } from "./grid.js";
import { element, formatBytes, limiter } from "./util.js";

const together = limiter(3);

function uploadOne(namespace, file) {
  const list = document.getElementById("upload-list");
  const item = element("li", "upload");
  const name = element("span", "upload-name", file.name || "(unnamed)");
  const progress = element("progress");
  progress.max = 1;
  progress.value = 0;
  progress.setAttribute("aria-label", `Upload of ${file.name}`);
  const status = element("span", "upload-status", `waiting (${formatBytes(file.size)})`);
  item.append(name, progress, status);
  list.prepend(item);
  return together(() => {
    status.textContent = "uploading";
    return upload(`/images/${encodeURIComponent(namespace)}`, file, (fraction) => {
      if (fraction === null) {
        progress.removeAttribute("value"); // indeterminate: the server is at work
        status.textContent = "processing";
      } else {
        progress.value = fraction;
      }
    });
  }).then(
    (answer) => {
      progress.value = 1;
      item.classList.add("done");
      status.textContent = "stored";
      if (currentNamespace() === namespace) addStored(answer);
    },
    (error) => {
      progress.value = 0;
      item.classList.add("failed");
      status.textContent = error.message;
    },
  );
}

export function uploadFiles(files) {
  const namespace = currentNamespace();
  if (!namespace) return;
  for (const file of files) uploadOne(namespace, file);
}

export function wireUpload() {
  const input = document.getElementById("file-input");
  input.addEventListener("change", () => {
    uploadFiles([...input.files]);
    input.value = "";
  });
  const zone = document.getElementById("drop-zone");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    uploadFiles([...event.dataTransfer.files]);
  });
  // A file dropped beside the zone would make the browser navigate away to it.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
}

export function clearUploads() {
  document.getElementById("upload-list").replaceChildren();
}
