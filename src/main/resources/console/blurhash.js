// BlurHash decoder (https://blurha.sh, algorithm by Wolt, MIT): turns a hash such as
// "LEHV6nWB2yk8pyo0adR*.7kCMdnj" into RGBA pixels for a placeholder. Written from the published
// algorithm; BlurHashDecoderTest checks it against the npm package "blurhash" pixel for pixel.

const DIGITS =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function decode83(text) {
  let value = 0;
  for (const c of text) {
    const digit = DIGITS.indexOf(c);
    if (digit < 0) throw new Error(`Invalid BlurHash character: ${c}`);
    value = value * 83 + digit;
  }
  return value;
}

function srgbToLinear(value) {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function linearToSrgb(value) {
  const v = Math.max(0, Math.min(1, value));
  return v <= 0.0031308
    ? Math.trunc(v * 12.92 * 255 + 0.5)
    : Math.trunc((1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

function signPow(value, exponent) {
  return (value < 0 ? -1 : 1) * Math.pow(Math.abs(value), exponent);
}

function decodeDc(value) {
  return [srgbToLinear(value >> 16), srgbToLinear((value >> 8) & 255), srgbToLinear(value & 255)];
}

function decodeAc(value, maximum) {
  const r = Math.floor(value / (19 * 19));
  const g = Math.floor(value / 19) % 19;
  const b = value % 19;
  return [
    signPow((r - 9) / 9, 2) * maximum,
    signPow((g - 9) / 9, 2) * maximum,
    signPow((b - 9) / 9, 2) * maximum,
  ];
}

/** True when text has the shape of a BlurHash (size flag and length agree). */
export function isBlurhash(text) {
  if (typeof text !== "string" || text.length < 6) return false;
  try {
    const size = decode83(text[0]);
    const ny = Math.floor(size / 9) + 1;
    const nx = (size % 9) + 1;
    return text.length === 4 + 2 * nx * ny && decode83(text) >= 0;
  } catch {
    return false;
  }
}

/** RGBA pixels (width × height × 4) of hash; throws on a malformed hash. */
export function decode(hash, width, height, punch = 1) {
  if (!isBlurhash(hash)) throw new Error("Invalid BlurHash");
  const size = decode83(hash[0]);
  const ny = Math.floor(size / 9) + 1;
  const nx = (size % 9) + 1;
  const maximum = (decode83(hash[1]) + 1) / 166;
  const colors = [];
  for (let i = 0; i < nx * ny; i++) {
    colors.push(
      i === 0
        ? decodeDc(decode83(hash.substring(2, 6)))
        : decodeAc(decode83(hash.substring(4 + i * 2, 6 + i * 2)), maximum * punch),
    );
  }
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
          const color = colors[i + j * nx];
          r += color[0] * basis;
          g += color[1] * basis;
          b += color[2] * basis;
        }
      }
      const at = 4 * (x + y * width);
      pixels[at] = linearToSrgb(r);
      pixels[at + 1] = linearToSrgb(g);
      pixels[at + 2] = linearToSrgb(b);
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

/** Paints hash onto canvas (its own width and height); false when the hash is unusable. */
export function paint(canvas, hash) {
  if (!isBlurhash(hash)) return false;
  const context = canvas.getContext("2d");
  if (!context) return false;
  const image = context.createImageData(canvas.width, canvas.height);
  image.data.set(decode(hash, canvas.width, canvas.height));
  context.putImageData(image, 0, 0);
  return true;
}
