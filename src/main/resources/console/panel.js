// The image panel: what the original is (from /info), its URL with a copy button, delete after a
// confirmation, and the variant playground, whose preview is fetched as a blob so that its size
// in bytes (and the saving against the original) is known.

import { api } from "./api.js";
import { paint, isBlurhash } from "./blurhash.js";
import { copyFrom, formatBytes, formatDate, localPath } from "./util.js";
import { variantUrl } from "./variants.js";

const $ = (id) => document.getElementById(id);
const CONTROLS = ["v-width", "v-height", "v-type", "v-gravity", "v-format", "v-quality"];

let state = null;

function setText(id, text) {
  $(id).textContent = text;
}

function showError(id, message) {
  const line = $(id);
  line.textContent = message || "";
  line.hidden = !message;
}

export function openPanel(namespace, image, { onDeleted }) {
  state = {
    namespace,
    image,
    onDeleted,
    originalSize: typeof image.size === "number" ? image.size : null,
    generation: 0,
    objectUrl: null,
    timer: 0,
  };
  setText("panel-title", image.image_id);
  setText("info-dimensions", "…");
  setText("info-type", image.mime_type || "…");
  setText("info-size", state.originalSize !== null ? formatBytes(state.originalSize) : "…");
  setText("info-modified", formatDate(image.last_modified));
  setText("info-color", "…");
  $("info-swatch").style.backgroundColor = "transparent";
  $("info-url").value = image.url || "";
  setText("copy-status", "");
  setText("variant-dims", "…");
  setText("variant-size", "…");
  $("variant-url").value = "";
  $("variant-preview").removeAttribute("src");
  $("variant-preview").parentElement.classList.remove("shown");
  $("delete-confirm").hidden = true;
  $("delete-button").hidden = false;
  showError("panel-error", "");
  showError("variant-error", "");
  const canvas = $("panel-placeholder");
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  if (isBlurhash(image.blurhash)) paint(canvas, image.blurhash);
  $("v-width").value = "320";
  $("v-height").value = "0";
  $("v-type").value = "fit";
  $("v-gravity").value = "ce";
  $("v-format").value = "";
  $("v-quality").value = "0";
  const dialog = $("panel");
  if (!dialog.open) dialog.showModal();
  $("panel-close").focus();
  loadInfo(state);
  render();
}

async function loadInfo(current) {
  try {
    const info = await api(
      "GET",
      `/images/${encodeURIComponent(current.namespace)}/${encodeURIComponent(current.image.image_id)}/info`,
    );
    if (state !== current) return;
    setText("info-dimensions", `${info.width} × ${info.height}`);
    setText("info-type", info.mime_type);
    setText("info-size", formatBytes(info.size));
    setText("info-modified", formatDate(info.last_modified));
    if (info.dominant_color) {
      setText("info-color", info.dominant_color);
      $("info-swatch").style.backgroundColor = info.dominant_color;
    }
    if (info.url) $("info-url").value = info.url;
    current.originalSize = info.size;
    if (isBlurhash(info.blurhash)) paint($("panel-placeholder"), info.blurhash);
    showSaving(current);
  } catch (error) {
    if (state === current) showError("panel-error", `Image info: ${error.message}`);
  }
}

function options() {
  return {
    w: $("v-width").value,
    h: $("v-height").value,
    rt: $("v-type").value,
    g: $("v-gravity").value,
    f: $("v-format").value,
    q: $("v-quality").value,
  };
}

/** Renders the playground's variant; answers to older control values are dropped. */
async function render() {
  const current = state;
  if (!current) return;
  const generation = ++current.generation;
  const stale = () => state !== current || generation !== current.generation;
  showError("variant-error", "");
  $("variant-preview").classList.add("busy");
  try {
    const url = await variantUrl(current.namespace, current.image, options());
    if (stale()) return;
    $("variant-url").value = url;
    const response = await fetch(localPath(url), { cache: "no-store" });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new Error(body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`);
    }
    const blob = await response.blob();
    if (stale()) return;
    if (current.objectUrl) URL.revokeObjectURL(current.objectUrl);
    current.objectUrl = URL.createObjectURL(blob);
    current.variantSize = blob.size;
    current.variantType = blob.type;
    const preview = $("variant-preview");
    preview.onload = () => {
      if (stale()) return;
      setText("variant-dims", `${preview.naturalWidth} × ${preview.naturalHeight} ${blob.type}`);
      preview.classList.remove("busy");
      preview.parentElement.classList.add("shown");
    };
    preview.src = current.objectUrl;
    showSaving(current);
  } catch (error) {
    if (stale()) return;
    $("variant-preview").classList.remove("busy");
    setText("variant-dims", "—");
    setText("variant-size", "—");
    showError("variant-error", error.message);
  }
}

function showSaving(current) {
  if (typeof current.variantSize !== "number") return;
  let text = formatBytes(current.variantSize);
  if (current.originalSize) {
    const change = 1 - current.variantSize / current.originalSize;
    const percent = Math.abs(Math.round(change * 100));
    text +=
      change >= 0
        ? `: ${percent}% smaller than the original (${formatBytes(current.originalSize)})`
        : `: ${percent}% larger than the original (${formatBytes(current.originalSize)})`;
  }
  setText("variant-size", text);
}

function schedule() {
  if (!state) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(render, 250);
}

async function confirmDelete() {
  const current = state;
  if (!current) return;
  $("delete-yes").disabled = true;
  try {
    await api(
      "DELETE",
      `/images/${encodeURIComponent(current.namespace)}/${encodeURIComponent(current.image.image_id)}`,
    );
    current.onDeleted(current.image.image_id);
    $("panel").close();
  } catch (error) {
    showError("panel-error", `Delete: ${error.message}`);
  } finally {
    $("delete-yes").disabled = false;
  }
}

export function wirePanel() {
  const dialog = $("panel");
  $("panel-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (state) {
      clearTimeout(state.timer);
      if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
    }
    state = null;
    $("variant-preview").removeAttribute("src");
  });
  for (const id of CONTROLS) {
    $(id).addEventListener("input", schedule);
    $(id).addEventListener("change", schedule);
  }
  $("variant-form").addEventListener("submit", (event) => {
    event.preventDefault();
    render();
  });
  $("copy-url").addEventListener("click", () => copyFrom($("info-url"), $("copy-status")));
  $("copy-variant").addEventListener("click", () => copyFrom($("variant-url"), $("copy-status")));
  $("delete-button").addEventListener("click", () => {
    $("delete-button").hidden = true;
    $("delete-confirm").hidden = false;
    $("delete-no").focus();
  });
  $("delete-no").addEventListener("click", () => {
    $("delete-confirm").hidden = true;
    $("delete-button").hidden = false;
    $("delete-button").focus();
  });
  $("delete-yes").addEventListener("click", confirmDelete);
}
