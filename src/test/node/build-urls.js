// Builds variant URLs with imgproxy's official Node URL builder (@imgproxy/imgproxy-node), for
// ImgproxyNodeClientTest: reads {endpoint, key, salt, urls: [{source, displayAs, options}]} as
// JSON on stdin and prints one URL per line, in order.
"use strict";
const { generateImageUrl } = require("@imgproxy/imgproxy-node");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  for (const url of request.urls) {
    console.log(
      generateImageUrl({
        endpoint: request.endpoint,
        url: { value: url.source, displayAs: url.displayAs },
        options: url.options,
        key: request.key,
        salt: request.salt,
      }),
    );
  }
});
