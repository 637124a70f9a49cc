#!/usr/bin/env bash
# Prints the home of a JDK >= 25 (JAVA_HOME first, then /usr/lib/jvm, macOS, PATH); exits 1 if none.
set -u
want=25
version_of() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
  [ -x "$d/bin/javac" ] && candidates+=("$d")
done
if command -v javac >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
fi
for home in "${candidates[@]}"; do
  v=$(version_of "$home")
  if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ -x "$home/bin/javac" ]; then
    echo "$home"
    exit 0
  fi
done
exit 1
