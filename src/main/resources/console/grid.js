// A namespace's images as a grid of thumbnails (variants), each with its BlurHash placeholder
// painted until the thumbnail has loaded. Tiles are buttons: Tab and Enter open the image panel.

import { api } from "./api.js";
import { paint, isBlurhash } from "./blurhash.js";
import { Pager } from "./pager.js";
import { openPanel } from "./panel.js";
import { element, limiter, localPath } from "./util.js";
import { variantUrl } from "./variants.js";

const PAGE = 60;
export const THUMBNAIL = { rt: "fill", w: 160, h: 160 };

let current = null;

class Grid {
  constructor(namespace) {
    this.namespace = namespace;
    this.list = document.getElementById("grid");
    this.empty = document.getElementById("grid-empty");
    this.status = document.getElementById("grid-status");
    this.tiles = new Map();
    this.active = true;
    // Signing and info requests are small but many: a few at a time keeps the server's
    // processing pool for the thumbnails themselves.
    this.urls = limiter(6);
    this.infos = limiter(3);
    this.list.replaceChildren();
    this.empty.hidden = true;
    this.status.textContent = "";
    const button = document.getElementById("grid-more");
    button.hidden = false;
    this.pager = new Pager(
      button,
      async (after) => {
        const query = new URLSearchParams({ limit: String(PAGE) });
        if (after) query.set("after", after);
        const page = await api("GET", `/images/${encodeURIComponent(namespace)}?${query}`);
        return { items: page.images || [], next: page.next };
      },
      (images) => {
        for (const image of images) this.add(image, false);
        this.showCount();
      },
    );
    this.pager.more();
  }

  showCount() {
    const n = this.tiles.size;
    this.empty.hidden = n > 0 || !this.pager.done;
    this.status.textContent = n ? `${n} image${n === 1 ? "" : "s"} shown` : "";
  }

  /** A tile for image (a listing entry or an upload answer); first = at the top (new uploads). */
  add(image, first) {
    if (this.tiles.has(image.image_id)) return;
    const item = element("li", "tile");
    item.dataset.id = image.image_id;
    const button = element("button", "thumb");
    button.type = "button";
    button.setAttribute("aria-label", `Open image ${image.image_id}`);
    button.title = image.image_id;
    const canvas = element("canvas", "placeholder");
    canvas.width = 32;
    canvas.height = 32;
    canvas.setAttribute("aria-hidden", "true");
    const img = element("img", "thumbnail");
    img.alt = "";
    img.decoding = "async";
    img.loading = "lazy";
    button.append(canvas, img);
    item.append(button);
    if (first) this.list.prepend(item);
    else this.list.append(item);
    this.tiles.set(image.image_id, item);

    button.addEventListener("click", () =>
      openPanel(this.namespace, image, { onDeleted: (id) => this.remove(id) }),
    );
    img.addEventListener("load", () => item.classList.add("loaded"));
    img.addEventListener("error", () => this.thumbnailFailed(item, img));
    if (isBlurhash(image.blurhash)) paint(canvas, image.blurhash);
    else this.infos(() => this.placeholder(image, item, canvas)).catch(() => {});
    this.urls(() => variantUrl(this.namespace, image, THUMBNAIL))
      .then((url) => {
        if (this.active) img.src = localPath(url);
      })
      .catch((error) => {
        item.classList.add("failed");
        button.append(element("span", "tile-error", error.message));
      });
  }

  /** The placeholder from /info, unless the thumbnail won the race. */
  async placeholder(image, item, canvas) {
    if (!this.active || item.classList.contains("loaded") || !item.isConnected) return;
    try {
      const info = await api(
        "GET",
        `/images/${encodeURIComponent(this.namespace)}/${encodeURIComponent(image.image_id)}/info`,
      );
      image.blurhash = info.blurhash;
      if (isBlurhash(info.blurhash)) paint(canvas, info.blurhash);
    } catch {
      // A missing placeholder is cosmetic; the thumbnail's own failure is what gets shown.
    }
  }

  /** An <img> cannot tell why: ask again with fetch() to show the server's detail. */
  async thumbnailFailed(item, img) {
    item.classList.add("failed");
    let message = "Thumbnail failed";
    try {
      const response = await fetch(img.src, { cache: "no-store" });
      const body = await response.json().catch(() => null);
      if (body && typeof body.detail === "string") message = body.detail;
    } catch {
      // keep the generic message
    }
    item.querySelector(".thumb").append(element("span", "tile-error", message));
  }

  remove(id) {
    const item = this.tiles.get(id);
    if (item) {
      item.remove();
      this.tiles.delete(id);
    }
    this.showCount();
  }

  stop() {
    this.active = false;
    this.pager.stop();
  }
}

export function showGrid(namespace) {
  if (current) current.stop();
  current = new Grid(namespace);
  document.getElementById("namespace-title").textContent = namespace;
  document.title = `${namespace} · Image console`;
}

export function leaveGrid() {
  if (current) current.stop();
  current = null;
  document.title = "Image console";
}

/** The namespace shown, or null. */
export function currentNamespace() {
  return current ? current.namespace : null;
}

/** A stored image (upload answer) joins the grid at the top. */
export function addStored(image) {
  if (current) {
    current.add(image, true);
    current.showCount();
  }
}

/** Lists the namespace again from the start (after a fetch stored images). */
export function reloadGrid() {
  if (current) showGrid(current.namespace);
}

