#!/usr/bin/env bash
# make run: the dev server on port 8000, restarted (Spring DevTools) whenever a source file changes.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:?}"
./mvnw -B -q -DskipTests compile
stamp=target/.dev-compiled
touch "$stamp"
# Recompile on change; DevTools sees new classes in target/classes and restarts the app.
(
  while sleep 1; do
    if [ -n "$(find src/main pom.xml -newer "$stamp" -type f 2>/dev/null | head -n1)" ]; then
      touch "$stamp"
      ./mvnw -B -q -o compile || echo "compile failed; still serving the last good build" >&2
    fi
  done
) &
watcher=$!
trap 'kill $watcher 2>/dev/null' EXIT INT TERM
./mvnw -B -q spring-boot:run \
  -Dspring-boot.run.jvmArguments="--enable-native-access=ALL-UNNAMED" \
  -Dspring-boot.run.addResources=false
