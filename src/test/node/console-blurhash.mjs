// Compares the console's BlurHash decoder (src/main/resources/console/blurhash.js, given as the
// first argument) with the npm package "blurhash" (Wolt's reference TypeScript implementation):
// same hashes, same sizes, every RGBA byte. Prints one JSON line for ConsoleBlurhashTest.
import { readFileSync } from "node:fs";
import * as reference from "blurhash";

const source = readFileSync(process.argv[2], "utf8");
// A data: URL: the file is an ES module without a package.json saying so.
const ours = await import("data:text/javascript," + encodeURIComponent(source));

// The hash on blurha.sh's front page, then hashes the reference encodes from varied pixels with
// every component count from 1×1 to 9×9 in turn.
const hashes = ["LEHV6nWB2yk8pyo0adR*.7kCMdnj"];
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let k = 0; k < 40; k++) {
  const width = 8 + (k % 13);
  const height = 6 + (k % 7);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < pixels.length; i++) {
    const x = (i / 4) % width;
    pixels[i] = i % 4 === 3 ? 255 : Math.floor(255 * (0.5 * random() + (0.5 * x) / width));
  }
  hashes.push(reference.encode(pixels, width, height, 1 + (k % 9), 1 + ((k * 4) % 9)));
}

let pixelsCompared = 0;
const differing = [];
for (const hash of hashes) {
  for (const [width, height] of [[32, 32], [32, 24], [7, 5], [64, 48]]) {
    const expected = reference.decode(hash, width, height);
    const actual = ours.decode(hash, width, height);
    pixelsCompared += width * height;
    if (expected.length !== actual.length) {
      differing.push(`${hash} ${width}x${height}: length ${actual.length} != ${expected.length}`);
      continue;
    }
    for (let i = 0; i < expected.length; i++) {
      if (expected[i] !== actual[i]) {
        differing.push(`${hash} ${width}x${height} byte ${i}: ${actual[i]} != ${expected[i]}`);
        break;
      }
    }
  }
}

const malformed = ["", "LEHV6", "LEHV6nWB2yk8pyo0adR*.7kCMdn", "LEHV6nWB2yk8pyo0adR*.7kCMdnj!", null, 42];
const wronglyAccepted = malformed.filter((text) => ours.isBlurhash(text)).map(String);
const validRefused = hashes.filter((hash) => !ours.isBlurhash(hash));

console.log(
  JSON.stringify({ hashes: hashes.length, pixelsCompared, differing, wronglyAccepted, validRefused }),
);
