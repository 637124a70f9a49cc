// Variant URLs. Unsigned services take the query form on the image's own URL; when signing is on
// (URL_SIGNING_KEY), the console cannot sign by itself and asks POST /variants/sign, which
// answers 404 when no signing key is configured: that is how signing is detected.

import { api } from "./api.js";

let signing = null;

export function signingOn() {
  if (!signing) {
    signing = api("POST", "/variants/sign", { source: "local:///console/probe", options: "w:1" }).then(
      () => true,
      (error) => {
        // 404: no signing key configured. 405: a service without the sign endpoint at all.
        if (error.status === 404 || error.status === 405) return false;
        signing = null; // ask again next time (a network error, a refused key)
        throw error;
      },
    );
  }
  return signing;
}

/** Options in order, defaults left out; values as the controls give them. */
function entries(options) {
  const out = [];
  if (options.rt && options.rt !== "fit") out.push(["rt", options.rt]);
  if (Number(options.w) > 0) out.push(["w", Math.trunc(Number(options.w))]);
  if (Number(options.h) > 0) out.push(["h", Math.trunc(Number(options.h))]);
  if (options.g && options.g !== "ce") out.push(["g", options.g]);
  if (Number(options.q) > 0) out.push(["q", Math.trunc(Number(options.q))]);
  if (options.f) out.push(["f", options.f]);
  return out;
}

/**
 * The URL of a variant of image (an entry of the listing: image_id, url) in namespace, absolute,
 * as a client would use it.
 */
export async function variantUrl(namespace, image, options) {
  const list = entries(options);
  if (await signingOn()) {
    const answer = await api("POST", "/variants/sign", {
      source: `local:///${namespace}/${image.image_id}`,
      options: list.length ? list.map(([k, v]) => `${k}:${v}`).join("/") : "w:0",
    });
    return answer.url;
  }
  const base =
    image.url ||
    `${location.origin}/images/${encodeURIComponent(namespace)}/${encodeURIComponent(image.image_id)}`;
  const query = list.length ? list : [["w", 0]];
  return `${base}?${query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}
