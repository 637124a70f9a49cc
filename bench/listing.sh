#!/usr/bin/env bash
# Listing on local disk: the time for one page of a 100,000-image namespace (goal: under 1 s).
# Makes the namespace directly on disk (tiny files named like real ids, {id}.jpg under
# {UPLOADS_PATH}/images/{ns}/), starts the packaged jar on 127.0.0.1 and times pages with curl.
# Prints one markdown section to stdout (progress on stderr).
# Usage: bench/listing.sh   (after make package; JAVA_HOME as for make; run from anywhere)
# Knobs: LISTING_IMAGES (100000), LISTING_PORT (18471), LISTING_REPEAT (20 warm pages per size).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
JAR="$ROOT/target/image-serving-service.jar"
IMAGES=${LISTING_IMAGES:-100000}
PORT=${LISTING_PORT:-18471}
REPEAT=${LISTING_REPEAT:-20}
NS=bench
WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "listing: $*" >&2; }

if [ ! -f "$JAR" ]; then
  log "no $JAR: run make package first"
  exit 1
fi

log "creating $IMAGES images in $WORK/uploads/images/$NS ..."
python3 - "$WORK/uploads/images/$NS" "$IMAGES" <<'PY'
import base64, os, secrets, sys

folder, count = sys.argv[1], int(sys.argv[2])
os.makedirs(folder)
for _ in range(count):
    # Like Names.newImageId(): 32 hex characters, '-', 11 URL-safe base64 characters.
    image_id = secrets.token_hex(16) + "-" + base64.urlsafe_b64encode(secrets.token_bytes(8)).decode().rstrip("=")
    with open(os.path.join(folder, image_id + ".jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff")
PY

log "starting the service on 127.0.0.1:$PORT ..."
HOST=127.0.0.1 PORT=$PORT UPLOADS_PATH="$WORK/uploads" LOG_LEVEL=warning \
  "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx160m -jar "$JAR" >"$WORK/service.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    tail -30 "$WORK/service.log" >&2
    log "the service did not start"
    exit 1
  fi
  sleep 0.5
done

# Seconds for one GET, failing on any status but 200.
page() {
  curl -fsS -o "$WORK/page.json" -w '%{time_total}' "http://127.0.0.1:$PORT/images/$NS?$1"
}

FIRST=$(page "limit=100")
CURSOR=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$WORK/page.json")
COUNT=$(grep -o '"image_id"' "$WORK/page.json" | wc -l)
if [ "$COUNT" -ne 100 ] || [ -z "$CURSOR" ]; then
  log "unexpected first page: $COUNT images, cursor '$CURSOR'"
  exit 1
fi

# Median and worst of $REPEAT warm pages.
stats() {
  local query=$1
  local times=()
  for _ in $(seq 1 "$REPEAT"); do
    times+=("$(page "$query")")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ t[NR] = $1 } END { printf "%.3f s | %.3f s", t[int((NR + 1) / 2)], t[NR] }'
}
log "timing warm pages ($REPEAT each) ..."
W100=$(stats "limit=100")
W1000=$(stats "limit=1000")
WAFTER=$(stats "limit=100&after=$CURSOR")

cat <<MD
## Listing: one page of a ${IMAGES}-image namespace (local disk)

\`bench/listing.sh\`: a namespace of $IMAGES images made directly on disk (tiny \`{id}.jpg\` files),
listed by \`GET /images/{namespace}\` against the packaged jar on 127.0.0.1 (curl's total time,
connection included). Each page reads the folder once and keeps only the \`limit\` smallest names
after the cursor in a bounded heap; it never sorts the whole folder. Goal: **< 1 s** per page.
$(nproc) cores, $(date -u +%Y-%m-%d).

| Page | Median | Worst |
|---|---:|---:|
| first request, limit 100 (cold JVM) | $(printf '%.3f s' "$FIRST") | |
| warm, limit 100 | ${W100% |*} | ${W100#*| } |
| warm, limit 1000 | ${W1000% |*} | ${W1000#*| } |
| warm, limit 100, second page (after a cursor) | ${WAFTER% |*} | ${WAFTER#*| } |
MD
