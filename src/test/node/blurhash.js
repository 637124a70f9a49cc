// The BlurHash reference (the npm package blurhash, by Wolt), for PlaceholderReferenceTest: reads
// {encode: [{width, height, rgb: base64 of R,G,B per pixel}], decode: [hash]} as JSON on stdin and
// prints {hashes: [hash per image, 4x3 components], averages: [[r, g, b] of each decoded hash]}.
"use strict";
const { encode, decode } = require("blurhash");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const hashes = request.encode.map((image) => {
    const rgb = Buffer.from(image.rgb, "base64");
    const rgba = new Uint8ClampedArray(image.width * image.height * 4);
    for (let p = 0; p < image.width * image.height; p++) {
      rgba[4 * p] = rgb[3 * p];
      rgba[4 * p + 1] = rgb[3 * p + 1];
      rgba[4 * p + 2] = rgb[3 * p + 2];
      rgba[4 * p + 3] = 255;
    }
    return encode(rgba, image.width, image.height, 4, 3);
  });
  const averages = request.decode.map((hash) => {
    const size = 32;
    const pixels = decode(hash, size, size);
    const sum = [0, 0, 0];
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) sum[c] += pixels[4 * p + c];
    }
    return sum.map((s) => Math.round(s / (size * size)));
  });
  console.log(JSON.stringify({ hashes, averages }));
});
