#!/usr/bin/env bash
# make run: the service in the foreground on port 8000 (unless PORT says otherwise), rebuilt and
# restarted whenever a file under src/main or pom.xml changes. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:?}"
mvn=(./mvnw -B -q)
classpath_file=target/runtime-classpath.txt

build() {
  "${mvn[@]}" -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >/dev/null
}

app=""
start_app() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 \
    -cp "target/classes:$(cat "$classpath_file")" com.imageserving.Application &
  app=$!
}
stop_app() {
  if [ -n "$app" ] && kill -0 "$app" 2>/dev/null; then
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  fi
  app=""
}
trap 'stop_app; exit 0' INT TERM
trap 'stop_app' EXIT

build
stamp=target/.dev-built
touch "$stamp"
start_app
while sleep 1; do
  if [ -n "$(find src/main pom.xml -newer "$stamp" -type f 2>/dev/null | head -n1)" ]; then
    touch "$stamp"
    echo "change detected: rebuilding" >&2
    if build; then
      stop_app
      start_app
    else
      echo "build failed; still serving the last good build" >&2
    fi
  elif [ -n "$app" ] && ! kill -0 "$app" 2>/dev/null; then
    wait "$app" || true
    echo "the service stopped; waiting for a change to restart it" >&2
    app=""
  fi
done
