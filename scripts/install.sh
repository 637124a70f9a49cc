#!/usr/bin/env bash
# make install: a JDK >= 25, libvips >= 8.14, the Maven dependencies, and the npm packages the
# variant compatibility tests run (imgproxy's Node URL builder, in src/test/node).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! jdk=$(scripts/find-jdk.sh); then
  echo "No JDK 25 or newer found. Install one, e.g. Temurin 25 (https://adoptium.net, Debian/Ubuntu" >&2
  echo "package temurin-25-jdk from the Adoptium apt repository; macOS: brew install --cask temurin)," >&2
  echo "or point JAVA_HOME at it, then run make install again." >&2
  exit 1
fi
echo "JDK: $jdk"

have_vips() {
  if [ "$(uname -s)" = Darwin ]; then
    [ -e "$(brew --prefix 2>/dev/null)/lib/libvips.42.dylib" ]
  else
    ldconfig -p 2>/dev/null | grep -q 'libvips\.so\.42'
  fi
}
if have_vips; then
  echo "libvips: present"
elif [ "$(uname -s)" = Darwin ]; then
  brew install vips
elif command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libvips42 >/dev/null
  echo "libvips: installed (libvips42)"
else
  echo "libvips >= 8.14 is missing: install it with your package manager (libvips42 / vips)." >&2
  exit 1
fi

# The tests build variant URLs with imgproxy's own Node client (ImgproxyNodeClientTest).
if ! command -v npm >/dev/null 2>&1 && [ "$(uname -s)" != Darwin ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
  echo "Node.js: installed (nodejs, npm) for the tests"
fi
if command -v npm >/dev/null 2>&1; then
  echo "Installing the npm packages of the tests (src/test/node)..."
  (cd src/test/node && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "Warning: Node.js and npm are missing. The service does not need them, but make test does" >&2
  echo "(Debian/Ubuntu: apt-get install nodejs npm; macOS: brew install node; then make install)." >&2
fi

# make scale-test runs deploy/nginx.conf with Debian's nginx (ScaleOutIT).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx-light >/dev/null
  echo "nginx: installed (nginx-light) for make scale-test"
fi

# make test drives the web console in Debian's Chromium through its chromedriver (Console*Test);
# nothing is ever downloaded by the tests themselves.
if [ "$(uname -s)" != Darwin ] && command -v apt-get >/dev/null 2>&1 &&
  { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  echo "Chromium: installed (chromium, chromium-driver) for the console's browser tests"
elif [ ! -x /usr/bin/chromium ]; then
  echo "Warning: Chromium is missing (/usr/bin/chromium, /usr/bin/chromedriver): the console's" >&2
  echo "browser tests are skipped without it (and fail under CI=true)." >&2
fi

echo "Fetching Maven dependencies..."
JAVA_HOME="$jdk" ./mvnw -B -q dependency:go-offline -Dsilent=true
JAVA_HOME="$jdk" ./mvnw -B -q -DskipTests package
echo "Ready: make run (port 8000), make test."
