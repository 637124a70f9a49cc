#!/usr/bin/env bash
# make bench: measures the packaged jar against references run in the same session (nginx for
# serving, vipsthumbnail for processing) and writes BENCHMARKS.md. Everything runs on 127.0.0.1
# in a temporary folder; every process started here is stopped on exit. About 20-25 minutes.
#
# The service runs as users are told to run it (Dockerfile): the jar extracted with
# '-Djarmode=tools extract' and started with an AOT cache made by a training run (JDK 25's
# -XX:AOTCacheOutput); start-up is also measured for plain 'java -jar'.
#
# Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION (10 s per GET run), BENCH_UP_DURATION
# (8 s per upload run), BENCH_PORT (18461; nginx and the no-access-log instance use the next
# two), BENCH_JAVA_OPTS (JVM flags; default = the recommended ones below), BENCH_AOT=0 (no AOT
# cache), BENCH_OUT (BENCHMARKS.md), BENCH_KEEP=1 keeps the temporary folder (logs, raw results).
# BENCH_SECTIONS=a,b runs a subset (while developing; the report then has only those): startup,
# get, upload, iso, variants, shrink, growth, rss. Default: all.
# nginx and wrk are installed with apt-get when missing (Debian/Ubuntu).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
JAVA="$JAVA_HOME/bin/java"
JAR="$ROOT/target/image-serving-service.jar"
ROUNDS=${BENCH_ROUNDS:-3}
DUR=${BENCH_DURATION:-10}
UP_DUR=${BENCH_UP_DURATION:-8}
PORT=${BENCH_PORT:-18461}
NGX_PORT=$((PORT + 1))
NOLOG_PORT=$((PORT + 2))
FLOOR_PORT=$((PORT + 3))
AOT=${BENCH_AOT:-1}
OUT=${BENCH_OUT:-$ROOT/BENCHMARKS.md}
# The flags users get (Dockerfile ENTRYPOINT, README); see BENCHMARKS.md for why.
DEFAULT_JAVA_OPTS="-XX:+UseSerialGC -Xmx160m"
JAVA_OPTS=${BENCH_JAVA_OPTS-$DEFAULT_JAVA_OPTS}
# glibc malloc settings for libvips's native buffers (also in the Dockerfile): fewer arenas and
# big blocks mmapped, so memory freed after an image goes back to the system.
DEFAULT_SERVICE_ENV="MALLOC_ARENA_MAX=8 MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=8388608"
read -r -a SERVICE_ENV <<<"${BENCH_SERVICE_ENV-$DEFAULT_SERVICE_ENV}"
CONCURRENCY=(2 4 8)
VT_COUNT=${BENCH_VT_COUNT:-16}
ISO_UP_CONC=8
ISO_GET_CONC=8
GROWTH_CONC=4
VAR_COUNT=${BENCH_VAR_COUNT:-60} # vipsthumbnail runs per round, variant renders
DEADLINE_S=${BENCH_DEADLINE:-1800} # hard stop: the whole bench must end within 30 minutes
SECTIONS=${BENCH_SECTIONS:-startup,get,upload,iso,variants,shrink,growth,rss}
want() { [[ ",$SECTIONS," == *",$1,"* ]]; }

[ -f "$JAR" ] || { echo "bench: $JAR missing; run 'make package' first" >&2; exit 1; }

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- tools
install_tools() {
  local missing=()
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v vipsthumbnail >/dev/null 2>&1 || missing+=(libvips-tools)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} with apt-get (needed by the bench only)"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y "${missing[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" apt-get install -y "${missing[@]}" >/dev/null; }
}
install_tools
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for t in wrk curl python3 vips vipsthumbnail; do
  command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is required" >&2; exit 1; }
done

# ---------------------------------------------------------------- workspace and cleanup
WORK=$(mktemp -d /tmp/image-bench.XXXXXX)
UP="$WORK/uploads"
RES="$WORK/results.jsonl"
mkdir -p "$UP" "$WORK/nginx/tmp" "$WORK/vt"
: >"$RES"
SVC_PID=""
NOLOG_PID=""
FLOOR_PID=""
NGX_PID=""
BG_PIDS=()
WATCHDOG=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null || true
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_service || true
  [ -n "$NOLOG_PID" ] && kill -TERM "$NOLOG_PID" 2>/dev/null && wait "$NOLOG_PID" 2>/dev/null || true
  [ -n "$FLOOR_PID" ] && kill -TERM "$FLOOR_PID" 2>/dev/null && wait "$FLOOR_PID" 2>/dev/null || true
  if [ -n "$NGX_PID" ]; then
    kill -TERM "$NGX_PID" 2>/dev/null || true
    wait "$NGX_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

(sleep "$DEADLINE_S" && echo "[bench] deadline of ${DEADLINE_S}s reached, stopping" >&2 && kill -TERM $$) &
WATCHDOG=$!

# ---------------------------------------------------------------- service
CLK_TCK=$(getconf CLK_TCK)
STARTUP_S=""

# How the service is launched: "aot" = extracted jar + AOT cache (as in the Dockerfile), "jar" =
# plain java -jar of the packaged jar.
launch_cmd() {
  if [ "$1" = aot ] && [ "$AOT" = 1 ]; then
    # shellcheck disable=SC2086
    echo "$JAVA" $JAVA_OPTS "-XX:AOTCache=$WORK/app/app.aot" -jar "$WORK/app/image-serving-service.jar"
  else
    # shellcheck disable=SC2086
    echo "$JAVA" $JAVA_OPTS -jar "$JAR"
  fi
}

start_service() { # variant [env assignments...]; sets SVC_PID and STARTUP_S
  local t0 t1 i variant=$1
  shift
  t0=$(date +%s%N)
  if [ "$variant" = plain ]; then
    # As a user who read nothing: no JVM flags, no MALLOC_* variables.
    env UPLOADS_PATH="$UP" HOST=127.0.0.1 PORT="$PORT" "$@" "$JAVA" -jar "$JAR" >>"$WORK/service.log" 2>&1 &
  else
    # shellcheck disable=SC2046
    env "${SERVICE_ENV[@]}" UPLOADS_PATH="$UP" HOST=127.0.0.1 PORT="$PORT" "$@" $(launch_cmd "$variant") \
      >>"$WORK/service.log" 2>&1 &
  fi
  SVC_PID=$!
  for ((i = 0; i < 3000; i++)); do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/ready"; then
      t1=$(date +%s%N)
      STARTUP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
      return 0
    fi
    kill -0 "$SVC_PID" 2>/dev/null || { tail -20 "$WORK/service.log" >&2; echo "bench: service died" >&2; exit 1; }
    sleep 0.02
  done
  echo "bench: service not ready after 60 s" >&2
  exit 1
}

stop_service() {
  [ -n "$SVC_PID" ] || return 0
  kill -TERM "$SVC_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 250; i++)); do
    kill -0 "$SVC_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$SVC_PID" 2>/dev/null || true
  wait "$SVC_PID" 2>/dev/null || true
  SVC_PID=""
}

cpu_s() { awk -v t="$CLK_TCK" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$SVC_PID/stat"; }
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SVC_PID/status"; }
stored() { find "$UP/images/$1" -name '*.jpg' 2>/dev/null | wc -l; }

# Waits until the service has finished requests wrk gave up on (its CPU stops moving).
settle() {
  local a b i
  a=$(cpu_s)
  for ((i = 0; i < 40; i++)); do
    sleep 0.5
    b=$(cpu_s)
    [ "$(awk -v a="$a" -v b="$b" 'BEGIN { print (b - a < 0.05) }')" = 1 ] && return 0
    a=$b
  done
}

# ---------------------------------------------------------------- nginx (reference for serving)
start_nginx() {
  local user=""
  # As root nginx would hand the workers to 'nobody', who cannot read our private temp folder.
  [ "$(id -u)" -eq 0 ] && user="user root root;"
  cat >"$WORK/nginx/nginx.conf" <<EOF
$user
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  types { image/jpeg jpg; }
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGX_PORT;
    location /images/ {
      root $UP;
      try_files \$uri.jpg =404;
      add_header Cache-Control "public, max-age=86400";
      add_header X-Content-Type-Options nosniff;
    }
  }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
  NGX_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    curl -s -o /dev/null "http://127.0.0.1:$NGX_PORT/" && return 0
    sleep 0.05
  done
  echo "bench: nginx did not start" >&2
  cat "$WORK/nginx/error.log" >&2
  exit 1
}

# ---------------------------------------------------------------- wrk
# wrkjson ARGS...: runs wrk with bench/report.lua, prints its JSON summary line.
wrkjson() {
  local out
  out=$(wrk "$@" -s "$ROOT/bench/report.lua" 2>&1) || { echo "$out" >&2; return 1; }
  grep '^WRKJSON ' <<<"$out" | sed 's/^WRKJSON //'
}
rec() { echo "$1" >>"$RES"; }
jq_get() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# ---------------------------------------------------------------- inputs
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "work folder $WORK; JVM flags: ${JAVA_OPTS:-(none)}"
PHOTO="$WORK/photo12mp.jpg"
# ImageMagick when it is really there (some images ship a stand-in 'convert').
HAVE_IM=0
convert -version 2>/dev/null | grep -q '^Version: ImageMagick' && HAVE_IM=1
# Photo-like content: a plasma fractal (smooth colour fields) with a little sensor-like noise.
if [ "$HAVE_IM" = 1 ]; then
  convert -seed 7 -size 4000x3000 plasma:fractal -blur 0x1 -attenuate 0.3 +noise Gaussian \
    -quality 90 "$PHOTO"
else
  # libvips only: smooth noise at three scales, per channel, plus fine grain.
  (cd "$WORK" &&
    vips gaussnoise c0.v 40 30 --sigma 60 --mean 128 && vips resize c0.v c1.v 100 --kernel cubic &&
    vips gaussnoise c2.v 4000 3000 --sigma 3 --mean 0 && vips add c1.v c2.v r.v &&
    vips gaussnoise g0.v 50 38 --sigma 60 --mean 110 && vips resize g0.v g1.v 80 --kernel cubic &&
    vips extract_area g1.v g2.v 0 0 4000 3000 && vips add g2.v c2.v g.v &&
    vips gaussnoise b0.v 80 60 --sigma 50 --mean 100 && vips resize b0.v b1.v 50 --kernel cubic &&
    vips add b1.v c2.v b.v && vips bandjoin "r.v g.v b.v" rgb.v && vips cast rgb.v u.v uchar &&
    vips copy u.v p.v --interpretation srgb && vips jpegsave p.v "$PHOTO" --Q 90 && rm -f ./*.v)
fi
python3 -c 'import base64, json, sys; json.dump({"data": base64.b64encode(open(sys.argv[1], "rb").read()).decode()}, open(sys.argv[2], "w"))' \
  "$PHOTO" "$WORK/photo12mp.json"
vipsthumbnail "$PHOTO" -s 1280 -o "$WORK/photo1mp.jpg[Q=90]"
# A noisier 1200x900 (re-encoded by the service at quality 85 to about 200 KB) and a thumbnail.
if [ "$HAVE_IM" = 1 ]; then
  convert "$PHOTO" -resize 1200x900 -attenuate 0.3 +noise Gaussian -quality 95 "$WORK/big.jpg"
else
  vipsthumbnail "$PHOTO" -s 1200 -o "$WORK/big.jpg[Q=98]"
fi
vipsthumbnail "$PHOTO" -s 260 -o "$WORK/small.jpg[Q=90]"
dims() { vipsheader -f width "$1" | tr -d '\n'; printf '×'; vipsheader -f height "$1"; }

# ---------------------------------------------------------------- 1. AOT cache, start-up
VARIANTS=(jar)
if [ "$AOT" = 1 ]; then
  log "extracting the jar and recording the AOT cache (training run)"
  "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" >/dev/null
  mkdir -p "$WORK/train"
  # shellcheck disable=SC2086
  env "${SERVICE_ENV[@]}" UPLOADS_PATH="$WORK/train" HOST=127.0.0.1 PORT="$PORT" timeout 180 "$JAVA" $JAVA_OPTS \
    "-XX:AOTCacheOutput=$WORK/app/app.aot" -Dspring.context.exit=onRefresh \
    -jar "$WORK/app/image-serving-service.jar" >"$WORK/aot-training.log" 2>&1
  [ -f "$WORK/app/app.aot" ] || { tail -20 "$WORK/aot-training.log" >&2; echo "bench: no AOT cache" >&2; exit 1; }
  VARIANTS=(aot jar)
fi
for i in 1 2 3; do
  want startup || break
  order=("${VARIANTS[@]}")
  ((i % 2 == 0)) && [ ${#VARIANTS[@]} = 2 ] && order=("${VARIANTS[1]}" "${VARIANTS[0]}")
  for v in "${order[@]}"; do
    start_service "$v"
    rec "{\"phase\":\"startup\",\"variant\":\"$v\",\"round\":$i,\"seconds\":$STARTUP_S,\"cpu_s\":$(cpu_s),\"rss_kb\":$(status_kb VmRSS)}"
    log "start-up $v $i: ${STARTUP_S}s"
    stop_service
  done
done

# ---------------------------------------------------------------- 2. service + nginx + stored files
start_service "${VARIANTS[0]}"
start_nginx
upload_raw() { curl -fsS -H 'Content-Type: image/jpeg' --data-binary "@$1" "http://127.0.0.1:$PORT/images/bench"; }
BIG_ID=$(upload_raw "$WORK/big.jpg" | python3 -c 'import json,sys; print(json.load(sys.stdin)["image_id"])')
SMALL_ID=$(upload_raw "$WORK/small.jpg" | python3 -c 'import json,sys; print(json.load(sys.stdin)["image_id"])')
BIG_FILE="$UP/images/bench/$BIG_ID.jpg"
SMALL_FILE="$UP/images/bench/$SMALL_ID.jpg"
for id in "$BIG_ID" "$SMALL_ID"; do
  curl -fsS -o "$WORK/a" "http://127.0.0.1:$PORT/images/bench/$id"
  curl -fsS -o "$WORK/b" "http://127.0.0.1:$NGX_PORT/images/bench/$id"
  cmp -s "$WORK/a" "$WORK/b" || { echo "bench: nginx and the service serve different bytes" >&2; exit 1; }
done
log "stored files: $(stat -c %s "$BIG_FILE") and $(stat -c %s "$SMALL_FILE") bytes"

# ---------------------------------------------------------------- 3. GET: ours vs nginx
if want get; then
# A second instance with LOG_LEVEL=warning (no access log) shows what the log line costs.
# shellcheck disable=SC2046
env "${SERVICE_ENV[@]}" UPLOADS_PATH="$UP" HOST=127.0.0.1 PORT="$NOLOG_PORT" LOG_LEVEL=warning $(launch_cmd "${VARIANTS[0]}") \
  >>"$WORK/service-nolog.log" 2>&1 &
NOLOG_PID=$!
for ((i = 0; i < 3000; i++)); do
  curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$NOLOG_PORT/ready" && break
  sleep 0.02
done
# The embedded Tomcat the service runs on, alone (bench/TomcatFloor.java): what the server itself
# allows on this machine, so the report can tell our own overhead from Tomcat's.
[ -d "$WORK/app/lib" ] || "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" >/dev/null
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -cp "$WORK/app/lib/*" "$ROOT/bench/TomcatFloor.java" "$FLOOR_PORT" "$UP" \
  >>"$WORK/tomcat-floor.log" 2>&1 &
FLOOR_PID=$!
for ((i = 0; i < 3000; i++)); do
  curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$FLOOR_PORT/images/bench/$SMALL_ID" && break
  kill -0 "$FLOOR_PID" 2>/dev/null || { cat "$WORK/tomcat-floor.log" >&2; echo "bench: TomcatFloor died" >&2; exit 1; }
  sleep 0.02
done
for id in "$BIG_ID" "$SMALL_ID"; do
  curl -fsS -o "$WORK/b" "http://127.0.0.1:$NGX_PORT/images/bench/$id"
  curl -fsS -o "$WORK/c" "http://127.0.0.1:$FLOOR_PORT/images/bench/$id"
  cmp -s "$WORK/b" "$WORK/c" || { echo "bench: nginx and TomcatFloor serve different bytes" >&2; exit 1; }
done
url_of() {
  case $1 in
    ours) echo "http://127.0.0.1:$PORT" ;;
    ours-nolog) echo "http://127.0.0.1:$NOLOG_PORT" ;;
    tomcat) echo "http://127.0.0.1:$FLOOR_PORT" ;;
    *) echo "http://127.0.0.1:$NGX_PORT" ;;
  esac
}
for f in big small; do
  id=$BIG_ID
  [ $f = small ] && id=$SMALL_ID
  subjects=(ours nginx tomcat)
  [ $f = small ] && subjects=(ours nginx tomcat ours-nolog)
  for s in "${subjects[@]}"; do wrkjson -t2 -c64 -d3s "$(url_of $s)/images/bench/$id" >/dev/null; done # warm-up
  for ((r = 1; r <= ROUNDS; r++)); do
    order=("${subjects[@]}")
    ((r % 2 == 0)) && order=(tomcat nginx ours)
    ((r % 2 == 0)) && [ $f = small ] && order=(ours-nolog tomcat nginx ours)
    for s in "${order[@]}"; do
      j=$(wrkjson -t2 -c64 -d"${DUR}s" --timeout 5s "$(url_of $s)/images/bench/$id")
      rec "{\"phase\":\"get\",\"file\":\"$f\",\"subject\":\"$s\",\"round\":$r,\"wrk\":$j}"
      log "GET $f $s round $r: $j"
    done
  done
done
kill -TERM "$NOLOG_PID" "$FLOOR_PID" 2>/dev/null || true
wait "$NOLOG_PID" "$FLOOR_PID" 2>/dev/null || true
NOLOG_PID=""
FLOOR_PID=""
fi

# ---------------------------------------------------------------- 4. uploads vs vipsthumbnail
upload_run() { # mode conc duration namespace -> wrk JSON
  local body=$WORK/photo12mp.jpg ctype=image/jpeg
  [ "$1" = b64 ] && body=$WORK/photo12mp.json ctype=application/json
  BENCH_BODY=$body BENCH_CTYPE=$ctype wrkjson -t2 -c"$2" -d"$3s" --timeout 60s \
    "http://127.0.0.1:$PORT/images/$4"
}
upload_run raw 2 5 warmup >/dev/null # JIT warm-up, not measured
settle
rm -rf "$UP/images/warmup"
want upload || CONCURRENCY=()
for c in "${CONCURRENCY[@]}"; do
  if [ "$c" = 8 ]; then echo 5 >"/proc/$SVC_PID/clear_refs"; fi # reset VmHWM
  for ((r = 1; r <= ROUNDS; r++)); do
    order=(b64 raw vt)
    ((r % 2 == 0)) && order=(vt raw b64)
    for m in "${order[@]}"; do
      if [ "$m" = vt ]; then
        rm -rf "$WORK/vt"
        j=$(python3 "$ROOT/bench/stats.py" vt "$PHOTO" "$VT_COUNT" "$c" "$WORK/vt")
        rec "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(phase="vt", conc=int(sys.argv[2]), round=int(sys.argv[3])); print(json.dumps(d))' "$j" "$c" "$r")"
        log "vipsthumbnail c=$c round $r: $j"
        continue
      fi
      ns="up-$m-c$c-r$r"
      c0=$(cpu_s)
      j=$(upload_run "$m" "$c" "$UP_DUR" "$ns")
      settle
      c1=$(cpu_s)
      n=$(stored "$ns")
      rec "{\"phase\":\"upload\",\"mode\":\"$m\",\"conc\":$c,\"round\":$r,\"stored\":$n,\"cpu_s\":$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }'),\"wrk\":$j}"
      log "upload $m c=$c round $r: stored $n, cpu $c0 -> $c1; $j"
      rm -rf "${UP:?}/images/$ns"
    done
  done
  if [ "$c" = 8 ]; then
    rec "{\"phase\":\"peak\",\"vmhwm_kb\":$(status_kb VmHWM)}"
    log "peak RSS at c=8: $(status_kb VmHWM) kB"
  fi
done

# ---------------------------------------------------------------- 5. latency isolation
# ours-b64: the same GETs of ours under saturating base64 JSON uploads instead of raw ones.
for ((r = 1; r <= ROUNDS; r++)); do
  want iso || break
  order=(ours nginx ours-b64)
  ((r % 2 == 0)) && order=(ours-b64 nginx ours)
  for s in "${order[@]}"; do
    ns="iso-$s-r$r"
    mode=raw
    [ "$s" = ours-b64 ] && mode=b64
    upload_run "$mode" "$ISO_UP_CONC" $((DUR + 3)) "$ns" >"$WORK/iso-up.json" &
    BG_PIDS=($!)
    sleep 2
    j=$(wrkjson -t1 -c"$ISO_GET_CONC" -d"${DUR}s" --timeout 5s "$(url_of "${s%-b64}")/images/bench/$SMALL_ID")
    wait "${BG_PIDS[0]}"
    BG_PIDS=()
    rec "{\"phase\":\"iso\",\"subject\":\"$s\",\"round\":$r,\"wrk\":$j,\"up\":$(cat "$WORK/iso-up.json")}"
    log "isolation GET $s round $r: $j"
    settle
    rm -rf "${UP:?}/images/$ns"
  done
done

# ---------------------------------------------------------------- 5b. variants (issue 13 §7)
# A second copy of the 1200x900 image is the source of the renders (so that the first copy's
# kept variants stay under MAX_VARIANTS_PER_IMAGE); vipsthumbnail does the same work on the same
# stored file. Every render request carries a bg= no other request has (bench/report.lua,
# BENCH_VARY=1): rendered each time, never coalesced nor read back kept.
metric_sum() { # prometheus-name label-filter -> sum over matching series
  curl -fsS "http://127.0.0.1:$PORT/metrics" |
    awk -v n="$1" -v f="$2" 'index($0, n "{") == 1 && (f == "" || index($0, f) > 0) { s += $NF } END { printf "%.0f", s }'
}
if want variants; then
  VSRC_ID=$(upload_raw "$WORK/big.jpg" | python3 -c 'import json,sys; print(json.load(sys.stdin)["image_id"])')
  VSRC_FILE="$UP/images/bench/$VSRC_ID.jpg"
  declare -A VQ=(
    [webp320]="w=320&f=webp"
    [fill96]="w=96&h=96&rt=fill&g=sm&f=jpg"
  )
  declare -A VT_ARGS=(
    [webp320]="-s 320 -o {out}_%s.webp[Q=85,strip]"
    [fill96]="-s 96x96 --smartcrop attention -o {out}_%s.jpg[Q=85,strip]"
  )
  # vipsthumbnail's own start-up (libvips init, ~0.1 s of CPU) would dwarf a 1200x900 render: two
  # processes each render VAR_COUNT copies of the file, as a long-running service would, with one
  # libvips thread each like the service's workers (VIPS_CONCURRENCY = cores / workers).
  mkdir -p "$WORK/vt-in"
  for ((i = 0; i < VAR_COUNT; i++)); do cp "$VSRC_FILE" "$WORK/vt-in/in$i.jpg"; done
  # Warm-up, not measured: a long-running service has compiled its render path long ago. In a
  # fresh process C2 was still compiling it 90 s into 96x96 renders (0.9 ms of CPU per request at
  # 40 s, 0.06 ms after three minutes; jstat -compiler).
  for k in webp320 fill96 webp320 fill96; do
    BENCH_VARY=1 wrkjson -t2 -c2 -d15s --timeout 30s "http://127.0.0.1:$PORT/images/bench/$VSRC_ID?${VQ[$k]}" >/dev/null
  done
  settle
  for ((r = 1; r <= ROUNDS; r++)); do
    for k in webp320 fill96; do
      # vtnv: vipsthumbnail without liborc's run-time compiled loops (VIPS_NOVECTOR=1), the code
      # paths the service runs on libvips < 8.15 (imaging/vips/Vips.vectorsAreSafe).
      order=(ours vt vtnv)
      ((r % 2 == 0)) && order=(vtnv vt ours)
      for s in "${order[@]}"; do
        if [ "$s" != ours ]; then
          rm -rf "$WORK/vt"
          novector=()
          [ "$s" = vtnv ] && novector=(VIPS_NOVECTOR=1)
          # shellcheck disable=SC2086
          j=$(env "${novector[@]}" VIPS_CONCURRENCY=1 python3 "$ROOT/bench/stats.py" cmd 2 2 "$WORK/vt" vipsthumbnail "$WORK"/vt-in/in*.jpg ${VT_ARGS[$k]})
          rec "{\"phase\":\"vrender\",\"kind\":\"$k\",\"subject\":\"$s\",\"round\":$r,\"images\":$((2 * VAR_COUNT)),\"processes_ok\":$(jq_get "$j" images),\"cpu_s\":$(jq_get "$j" cpu_s),\"wall_s\":$(jq_get "$j" wall_s)}"
        else
          c0=$(cpu_s)
          j=$(BENCH_VARY=1 wrkjson -t2 -c2 -d"${UP_DUR}s" --timeout 30s "http://127.0.0.1:$PORT/images/bench/$VSRC_ID?${VQ[$k]}")
          settle
          c1=$(cpu_s)
          rec "{\"phase\":\"vrender\",\"kind\":\"$k\",\"subject\":\"ours\",\"round\":$r,\"cpu_s\":$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }'),\"wrk\":$j}"
        fi
        log "variant render $k $s round $r: $j"
      done
    done
  done

  # Kept variant vs original of similar size: the 1200x900 image at 260 px wide (JPEG) against
  # the stored 260x195 thumbnail, both spellings of the variant.
  VQUERY="/images/bench/$BIG_ID?w=260&f=jpg"
  VPATH="/variants/_/w:260/f:jpg/plain/local:///bench/$BIG_ID"
  curl -fsS -o "$WORK/v1" "http://127.0.0.1:$PORT$VQUERY"
  curl -fsS -o "$WORK/v2" "http://127.0.0.1:$PORT$VPATH"
  cmp -s "$WORK/v1" "$WORK/v2" || { echo "bench: the two spellings of a kept variant differ" >&2; exit 1; }
  KEPT_SIZE=$(stat -c %s "$WORK/v1")
  vurl() {
    case $1 in
      orig) echo "http://127.0.0.1:$PORT/images/bench/$SMALL_ID" ;;
      query) echo "http://127.0.0.1:$PORT$VQUERY" ;;
      path) echo "http://127.0.0.1:$PORT$VPATH" ;;
    esac
  }
  for s in orig query path; do wrkjson -t2 -c64 -d3s "$(vurl $s)" >/dev/null; done # warm-up
  for ((r = 1; r <= ROUNDS; r++)); do
    order=(orig query path)
    ((r % 2 == 0)) && order=(path query orig)
    for s in "${order[@]}"; do
      j=$(wrkjson -t2 -c64 -d"${DUR}s" --timeout 5s "$(vurl $s)")
      rec "{\"phase\":\"vget\",\"subject\":\"$s\",\"round\":$r,\"bytes\":$KEPT_SIZE,\"wrk\":$j}"
      log "kept variant GET $s round $r: $j"
    done
  done

  # 64 concurrent first requests for one variant: renders and answers.
  r0=$(metric_sum variants_render_seconds_count "")
  c0=$(metric_sum variants_served_total 'outcome="coalesced"')
  j=$(python3 - "http://127.0.0.1:$PORT/images/bench/$VSRC_ID?w=333&h=250&rt=fill&g=sm&f=webp" <<'PY'
import hashlib, json, sys, threading, urllib.request
url, n = sys.argv[1], 64
go = threading.Barrier(n)
answers = [None] * n
def get(i):
    go.wait()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            answers[i] = (r.status, hashlib.sha256(r.read()).hexdigest())
    except Exception as e:  # an HTTP error counts as a different answer
        answers[i] = (getattr(e, "code", 0), str(e))
ts = [threading.Thread(target=get, args=(i,)) for i in range(n)]
[t.start() for t in ts]
[t.join() for t in ts]
print(json.dumps({"requests": n, "ok": sum(1 for a in answers if a[0] == 200),
                  "distinct": len(set(answers))}))
PY
)
  r1=$(metric_sum variants_render_seconds_count "")
  c1=$(metric_sum variants_served_total 'outcome="coalesced"')
  rec "{\"phase\":\"coalesce\",\"renders\":$((r1 - r0)),\"coalesced\":$((c1 - c0)),\"answers\":$j}"
  log "64 first requests: $((r1 - r0)) render(s), $((c1 - c0)) coalesced, $j"

  # GET p99 of an original while variant renders saturate the CPU; peak RSS meanwhile, of a fresh
  # process as in the RSS section's upload runs (a process that has been through every section
  # before has a grown heap and code cache whatever it does next).
  stop_service
  start_service "${VARIANTS[0]}"
  BENCH_VARY=1 wrkjson -t2 -c"$ISO_UP_CONC" -d3s --timeout 30s \
    "http://127.0.0.1:$PORT/images/bench/$VSRC_ID?${VQ[webp320]}" >/dev/null # warm-up (JIT)
  wrkjson -t1 -c"$ISO_GET_CONC" -d3s "http://127.0.0.1:$PORT/images/bench/$SMALL_ID" >/dev/null
  settle
  for ((r = 1; r <= ROUNDS; r++)); do
    BENCH_VARY=1 wrkjson -t2 -c"$ISO_UP_CONC" -d$((DUR + 3))s --timeout 30s \
      "http://127.0.0.1:$PORT/images/bench/$VSRC_ID?${VQ[webp320]}" >"$WORK/viso-render.json" &
    BG_PIDS=($!)
    sleep 2
    j=$(wrkjson -t1 -c"$ISO_GET_CONC" -d"${DUR}s" --timeout 5s "http://127.0.0.1:$PORT/images/bench/$SMALL_ID")
    wait "${BG_PIDS[0]}"
    BG_PIDS=()
    rec "{\"phase\":\"viso\",\"round\":$r,\"wrk\":$j,\"render\":$(cat "$WORK/viso-render.json")}"
    log "GET during renders round $r: $j"
    settle
  done
  rec "{\"phase\":\"vpeak\",\"fresh\":true,\"vmhwm_kb\":$(status_kb VmHWM)}"
  log "peak RSS during renders: $(status_kb VmHWM) kB"
fi
stop_service

# ---------------------------------------------------------------- 6. RSS growth, fresh process
if want growth; then
start_service "${VARIANTS[0]}"
growth_run() { # per-thread response limit, time limit -> wrk JSON
  BENCH_BODY="$WORK/photo1mp.jpg" BENCH_CTYPE=image/jpeg BENCH_LIMIT=$1 \
    wrkjson -t2 -c"$GROWTH_CONC" -d"$2" --timeout 60s "http://127.0.0.1:$PORT/images/growth"
}
growth_run 250 60s >/dev/null
settle
n1=$(stored growth)
rss1=$(status_kb VmRSS)
growth_run 750 120s >/dev/null
settle
n2=$(stored growth)
rss2=$(status_kb VmRSS)
rec "{\"phase\":\"growth\",\"conc\":$GROWTH_CONC,\"dims\":\"$(dims "$WORK/photo1mp.jpg")\",\"bytes\":$(stat -c %s "$WORK/photo1mp.jpg"),\"n1\":$n1,\"rss1_kb\":$rss1,\"n2\":$n2,\"rss2_kb\":$rss2,\"hwm_kb\":$(status_kb VmHWM)}"
log "growth: $n1 uploads ${rss1} kB, $n2 uploads ${rss2} kB"
stop_service
fi

# ---------------------------------------------------------------- 6b. shrink-on-load rules (issue 14 §4)
# Our rule (as vipsthumbnail): the loader shrinks by at most half the reduction, so Lanczos does
# the last factor of 2 or more. The power-of-two rule (sharp, imgproxy): the largest power of two
# not past the reduction. Both against a full decode resized with Lanczos, on the bench photo and
# a sharp-edged chart (bench/Chart.java); SSIM on luma (bench/Ssim.java). CPU from the children's
# rusage over SHRINK_REPS runs of `vips resize 'in.jpg[shrink=N]' out.v SCALE --kernel lanczos3`.
if want shrink; then
  SHRINK_REPS=${BENCH_SHRINK_REPS:-4}
  "$JAVA" "$ROOT/bench/Chart.java" 4000 3000 "$WORK/chart.png"
  vips copy "$WORK/chart.png" "$WORK/chart.jpg[Q=95]"
  rule_shrink() { # rule reduction -> loader shrink factor
    python3 -c 'import sys
r = float(sys.argv[2])
if sys.argv[1] == "ours":
    s = 8 if r >= 16 else 4 if r >= 8 else 2 if r >= 4 else 1
else:
    s = 8 if r >= 8 else 4 if r >= 4 else 2 if r >= 2 else 1
print(s)' "$1" "$2"
  }
  for img in photo chart; do
    src="$WORK/photo12mp.jpg"
    [ $img = chart ] && src="$WORK/chart.jpg"
    sw=$(vipsheader -f width "$src")
    for target in 1200 320; do
      reduction=$(awk -v a="$sw" -v b="$target" 'BEGIN { print a / b }')
      vips resize "$src" "$WORK/ref.v" "$(awk -v a="$sw" -v b="$target" 'BEGIN { print b / a }')" --kernel lanczos3
      vips copy "$WORK/ref.v" "$WORK/ref.png"
      for rule in ours pow2; do
        sh=$(rule_shrink $rule "$reduction")
        scale=$(awk -v a="$sw" -v b="$target" -v s="$sh" 'BEGIN { printf "%.10f", b / (a / s) }')
        j=$(python3 "$ROOT/bench/stats.py" cmd "$SHRINK_REPS" 1 "$WORK/vt" vips resize "$src[shrink=$sh]" "{out}.v" "$scale" --kernel lanczos3)
        vips resize "$src[shrink=$sh]" "$WORK/out.png" "$scale" --kernel lanczos3
        ssim=$("$JAVA" "$ROOT/bench/Ssim.java" "$WORK/ref.png" "$WORK/out.png")
        rec "{\"phase\":\"shrink\",\"image\":\"$img\",\"target\":$target,\"rule\":\"$rule\",\"shrink\":$sh,\"images\":$(jq_get "$j" images),\"cpu_s\":$(jq_get "$j" cpu_s),\"ssim\":$ssim}"
        log "shrink $img -> $target, $rule (shrink $sh): $j, SSIM $ssim"
        rm -rf "$WORK/vt"
      done
    done
  done
fi

# ---------------------------------------------------------------- 6c. peak RSS, tuned vs plain launch (issue 14 §5)
# A fresh process each, base64 JSON uploads of the 12 MP photo at concurrency 8.
for ((r = 1; r <= 2; r++)); do
  want rss || break
  order=("${VARIANTS[0]}" plain)
  ((r % 2 == 0)) && order=(plain "${VARIANTS[0]}")
  for v in "${order[@]}"; do
    start_service "$v"
    ns="rss-$v-r$r"
    j=$(upload_run b64 8 "$UP_DUR" "$ns")
    settle
    rec "{\"phase\":\"rss\",\"launch\":\"$v\",\"round\":$r,\"stored\":$(stored "$ns"),\"vmhwm_kb\":$(status_kb VmHWM),\"wrk\":$j}"
    log "peak RSS $v round $r: $(status_kb VmHWM) kB; $j"
    stop_service
    rm -rf "${UP:?}/images/$ns"
  done
done


# ---------------------------------------------------------------- 7. report
python3 - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
  "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
  "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')",
  "cores": $(nproc),
  "memory": "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)",
  "load": "$LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1/5/15 min; the machine is shared)",
  "java": "$("$JAVA" -version 2>&1 | sed -n 2p)",
  "service_env": "\`${SERVICE_ENV[*]}\`",
  "java_opts": "\`${JAVA_OPTS:-(none)}\`$([ "$AOT" = 1 ] && echo ' + \`-XX:AOTCache=app.aot\` on the extracted jar')",
  "nginx": "$("$NGINX" -v 2>&1 | sed 's/.*: //')",
  "wrk": "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)",
  "vips": "$(vips --version)",
  "command": "\`make bench\` (builds the jar, then \`scripts/bench.sh\`)",
  "rounds": $ROUNDS, "duration": $DUR, "up_duration": $UP_DUR, "aot": $AOT,
  "files": {"big": {"size": $(stat -c %s "$BIG_FILE"), "dims": "$(dims "$BIG_FILE")"},
            "small": {"size": $(stat -c %s "$SMALL_FILE"), "dims": "$(dims "$SMALL_FILE")"}},
  "photo": {"size": $(stat -c %s "$PHOTO"), "dims": "$(dims "$PHOTO")"},
  "max_upload_size": 1200, "quality": 85,
  "concurrency": [2, 4, 8], "vt_count": $VT_COUNT, "var_count": $VAR_COUNT,
  "iso_upload_conc": $ISO_UP_CONC, "iso_get_conc": $ISO_GET_CONC,
  "startups": "${STARTS[*]}",
}, open(sys.argv[1], "w"))
EOF
python3 "$ROOT/bench/stats.py" report "$RES" "$WORK/meta.json" "$OUT"
{ echo; "$ROOT/bench/s3-requests.sh"; } >>"$OUT" || log "bench/s3-requests.sh failed; its section is missing"
{ echo; "$ROOT/bench/listing.sh"; } >>"$OUT" || log "bench/listing.sh failed; its section is missing"
mkdir -p "$ROOT/bench/results" && cp "$RES" "$WORK/meta.json" "$ROOT/bench/results/"
log "wrote $OUT"
