// Every call to the service goes through here: the key is attached, a 401 asks for a key and
// tries again, and a failure becomes an ApiError carrying the server's own "detail".

import { askForKey, currentKey, forgetKey } from "./keyprompt.js";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The server's detail: a string, or the list of a 422 validation error. */
export function describe(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (!item || typeof item !== "object") return String(item);
        const where = Array.isArray(item.loc) ? item.loc.join(".") : "";
        return where ? `${where}: ${item.msg}` : String(item.msg);
      })
      .join("; ");
  }
  return `HTTP ${status}`;
}

function parse(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function keyMessage(sentKey, status, body) {
  if (!sentKey) return null;
  if (currentKey() === sentKey) forgetKey();
  return `The key was refused: ${describe(status, body)}`;
}

/** A JSON request; resolves to the parsed answer, rejects with ApiError. */
export async function api(method, path, json) {
  for (;;) {
    const key = currentKey();
    const headers = { Accept: "application/json" };
    if (key) headers["X-API-Key"] = key;
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, `The service cannot be reached (${error.message}).`);
    }
    const body = parse(await response.text());
    if (response.status === 401) {
      await askForKey("This service needs an API key.", keyMessage(key, 401, body));
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, describe(response.status, body));
    return body;
  }
}

/**
 * Uploads one file as multipart "file" with XMLHttpRequest, whose upload progress fetch() does
 * not report. onProgress(fraction) while sending, onProgress(null) once the server is processing.
 */
export async function upload(path, file, onProgress) {
  for (;;) {
    const key = currentKey();
    const { status, body } = await send(path, file, key, onProgress);
    if (status === 401) {
      await askForKey("This service needs an API key.", keyMessage(key, 401, body));
      continue;
    }
    if (status < 200 || status >= 300) throw new ApiError(status, describe(status, body));
    return body;
  }
}

function send(path, file, key, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Accept", "application/json");
    if (key) request.setRequestHeader("X-API-Key", key);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.upload.addEventListener("load", () => onProgress(null));
    request.addEventListener("load", () =>
      resolve({ status: request.status, body: parse(request.responseText) }),
    );
    request.addEventListener("error", () =>
      reject(new ApiError(0, "The upload was interrupted (network error).")),
    );
    request.addEventListener("abort", () => reject(new ApiError(0, "The upload was cancelled.")));
    const form = new FormData();
    form.append("file", file, file.name);
    request.send(form);
  });
}
