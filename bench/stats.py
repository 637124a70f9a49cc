#!/usr/bin/env python3
"""Helpers of scripts/bench.sh.

  stats.py vt IMAGE COUNT PARALLEL OUTDIR   run vipsthumbnail COUNT times, PARALLEL at once;
                                            print {"images","wall_s","cpu_s"} (children rusage)
  stats.py cmd COUNT PARALLEL OUTDIR ARGV...   the same for any command; "{out}" in ARGV becomes
                                            OUTDIR/out<i>
  stats.py report RESULTS.jsonl META.json OUT.md   write BENCHMARKS.md from the bench records
"""
import json
import os
import resource
import subprocess
import sys
import time
from statistics import median


def run_vipsthumbnail(image, count, parallel, outdir):
    run_command(["vipsthumbnail", image, "-s", "1200", "-o", "{out}.jpg[Q=85,strip]"], count, parallel,
                outdir)


def run_command(argv, count, parallel, outdir):
    os.makedirs(outdir, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    running, done, failed = [], 0, 0
    i = 0
    while done < count:
        while len(running) < parallel and i < count:
            out = os.path.join(outdir, f"out{i}")
            running.append(subprocess.Popen([a.replace("{out}", out) for a in argv]))
            i += 1
        p = running.pop(0)
        if p.wait() != 0:
            failed += 1
        done += 1
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"images": count - failed, "wall_s": wall, "cpu_s": cpu}))


# ---------------------------------------------------------------- report

TUNING_NOTES = [
    "JVM: `-XX:+UseSerialGC -Xmx160m`. With `-XX:MaxRAMPercentage=50` the heap may grow to half "
    "the host's memory (12 GB here) and peak RSS during 12 MP uploads at concurrency 8 was ~940 MB. "
    "Since raw and multipart bodies live in native memory (not the heap), -Xmx224m gave 530 MB at "
    "c=8 and -Xmx160m 482 MB, with the same upload and GET throughput and no OutOfMemoryError at "
    "32 concurrent base64 uploads (503s as designed; base64 bodies are still parsed on the heap). "
    "Raise -Xmx for many concurrent large base64 uploads.",
    "glibc: `MALLOC_ARENA_MAX=8 MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=8388608` "
    "returns libvips's freed buffers to the system: about -40 MB peak RSS. The service now sets the "
    "same with `mallopt` itself when libvips is loaded (imaging/vips/GlibcMalloc, Linux/glibc only; a "
    "MALLOC_* variable that is set wins), so a plain `java -jar` gets it too: peak RSS of base64 "
    "uploads at concurrency 8, plain `java -jar`, was 520–652 MB before and about 390 MB after. "
    "Both thresholds were 128 KB until 2026-12-04; at 4 MB / 8 MB a render no longer faults its "
    "working buffers in afresh (320 px WebP variant: about 41 → 28 ms CPU) for about +25 MB of "
    "peak RSS during 12 MP uploads at c=8. `MALLOC_ARENA_MAX` was 2 until then too; 8 costs about 40 MB "
    "more peak RSS during those uploads and saves a quarter of a 96×96 render's CPU (22.6 → 17.0 ms, "
    "A/B on this machine): with 2 arenas the JVM's, Tomcat's and libvips's threads queued for them.",
    "Renders with a smart crop take turns (imaging/Pipeline): libvips' attention crop is some 25 "
    "small operations whose bookkeeping takes one process-wide libvips mutex, and two at once queued"
    " for it (about 1,000 futex calls per render). With turns a 96×96 smart-crop render of the "
    "bench's 1200×900 file took 12.4–12.7 ms of CPU instead of 16.2–16.9, at the same renders per "
    "second; serialising every render instead would have cost 320 px WebP renders a third of their "
    "throughput, and 12 MP uploads at c=8 7.6 → 4.3 per second.",
    "Kept variants are served from the filter chain like originals (api/VariantFastPath: URL "
    "parsed and signature checked by the same VariantUrls, the kept object read in the one storage "
    "request, written by the same ImageResponses), not through Spring MVC dispatch: before, a kept "
    "variant's GET made 0.66–0.68× the requests/s of an original's. On the local backend a kept "
    "variant's GET also opens its file in the look-up (storage/LocalImageStore.readVariant) rather "
    "than checking its folders a second time on opening: in an A/B of 6 alternated 8 s rounds its "
    "CPU per request went from 1.11× an original's (median; 1.01–1.19) to 1.02× (0.96–1.06).",
    "Start-up: the jar extracted (`java -Djarmode=tools -jar … extract`) and an AOT cache recorded "
    "by a training run (`-XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh`), then "
    "`-XX:AOTCache=app.aot`: less than half the CPU of `java -jar` to reach /ready. Most of the "
    "rest is Spring's configuration-class processing and bean creation (JFR).",
    "Image workers (and the libvips threads they start) run at nice +10 on Linux, so request "
    "handling gets the cores first when uploads saturate them: 2.5–4× the GET requests/s and "
    "0.3–0.7× the GET p99 in an A/B under upload load, fewer uploads/s only under contention.",
    "Kept as measured: the 48 KB sendfile threshold (sendfile for a 10 KB file: 0.5× the requests/s; "
    "no sendfile for 150 KB: 0.5×); virtual threads (platform request threads: 0.3× requests/s for "
    "10 KB); the access log (its cost is the no-access-log row above).",
    "GET: a stored image is served from the filter chain without Spring MVC dispatch "
    "(ServeFastPath), and the access-log line is formatted directly instead of through Logback's "
    "structured encoder: together about 52 → 35 µs of CPU per 10 KB GET. What is left between us "
    "and the bare Tomcat row is the request-id filter and its log line, CORS, the API-key check "
    "and the metrics observation (a few µs each); between the bare Tomcat and nginx, the servlet "
    "container itself (about 21 µs against 8 µs of CPU per request, measured with wrk on the same "
    "2 cores).",
    "Upload bodies (raw and multipart) are streamed into native memory that libvips reads in "
    "place, so under upload load the heap sees almost no garbage: GET p99 under saturating "
    "uploads went from 18–39 ms (full collections of 60–100 ms every few seconds, promoted "
    "upload arrays) to 3–7 ms.",
]


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"med": median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(s, unit="", digits=1):
    if s is None:
        return "n/a"
    f = f"{{:.{digits}f}}"
    if s["n"] == 1:
        return f.format(s["med"]) + unit
    return f"{f.format(s['med'])}{unit} ({f.format(s['min'])}–{f.format(s['max'])})"


def verdict(ok):
    if ok is None:
        return "n/a"
    return "**met**" if ok else "**NOT met**"


def report(results_path, meta_path, out_path):
    recs = [json.loads(l) for l in open(results_path) if l.strip()]
    meta = json.load(open(meta_path))
    meta = {k: v.replace("\\`", "`") if isinstance(v, str) else v for k, v in meta.items()}
    lines = []
    w = lines.append
    targets = []  # (name, value text, target text, met)

    def by(**kw):
        return [r for r in recs if all(r.get(k) == v for k, v in kw.items())]

    w("# Benchmarks")
    w("")
    w("Generated by `make bench` (`scripts/bench.sh`); every run rewrites this file. Numbers from a")
    w("shared machine are noisy, so each figure is a ratio against a reference measured in the same")
    w("run, subjects alternated round by round; values are medians with the min–max spread over the")
    w(f"rounds in parentheses ({meta['rounds']} rounds of {meta['duration']} s unless said otherwise).")
    w("")
    w("| | |")
    w("|---|---|")
    for k in ["date", "cpu", "cores", "memory", "load", "java", "java_opts", "service_env", "nginx", "wrk",
              "vips", "command"]:
        w(f"| {k.replace('_', ' ')} | {meta.get(k, '')} |")
    w("")

    # ---- GET
    if by(phase="get"):
        get_section(meta, by, w, targets)
    upload_section(meta, by, w, targets)
    iso_section(meta, by, w, targets)
    variants_section(meta, by, w, targets)
    shrink_section(meta, by, w, targets)
    memory_section(meta, by, w, targets)
    startup_section(meta, by, w, targets)

    # ---- Targets
    w("## Targets")
    w("")
    w("| figure | measured (median, spread) | target | |")
    w("|---|---|---|---|")
    for name, value, target, ok in targets:
        w(f"| {name} | {value} | {target} | {verdict(ok)} |")
    w("")
    w("## Tuning behind these numbers")
    w("")
    for n in TUNING_NOTES:
        w(f"- {n}")
    w("")
    if meta.get("notes"):
        w("## Notes")
        w("")
        for n in meta["notes"]:
            w(f"- {n}")
        w("")
    open(out_path, "w").write("\n".join(lines))
    for name, value, target, ok in targets:
        print(f"{'met    ' if ok else 'NOT met'}  {name}: {value} (target {target})")


def rps(r):
    return r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6)


def get_section(meta, by, w, targets):
    if True:
        w("## GET of stored files, ours vs nginx (wrk -t2 -c64)")
    w("")
    w("nginx serves the very same files at the same URL paths (`root` = our `UPLOADS_PATH`,")
    w("`try_files $uri.jpg`, sendfile on, access_log off, worker_processes auto).")
    w("")
    w("| file | subject | req/s | p99 ms | errors |")
    w("|---|---|---|---|---|")
    ratios = {}
    for f in ["big", "small"]:
        label = f"{meta['files'][f]['size'] // 1000} KB ({meta['files'][f]['dims']})"
        per = {}
        for subj in ["ours", "nginx", "tomcat", "ours-nolog"]:
            rs = by(phase="get", file=f, subject=subj)
            if not rs:
                continue
            rps = stats([r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6) for r in rs])
            p99 = stats([r["wrk"]["p99_us"] / 1000 for r in rs])
            err = sum(r["wrk"]["non2xx"] + r["wrk"]["connect_err"] + r["wrk"]["read_err"] +
                      r["wrk"]["write_err"] + r["wrk"]["timeout_err"] for r in rs)
            per[subj] = rs
            name = {"ours-nolog": "ours, LOG_LEVEL=warning (no access log)",
                    "tomcat": "bare embedded Tomcat (bench/TomcatFloor.java)"}.get(subj, subj)
            w(f"| {label} | {name} | {fmt(rps, '', 0)} | {fmt(p99, '', 2)} | {err} |")
        # Ratios per round (same round = same machine conditions).
        def rps_ratio(a_subj, b_subj):
            return stats([a["wrk"]["requests"] / a["wrk"]["duration_us"] / (b["wrk"]["requests"] / b["wrk"]["duration_us"])
                          for a, b in zip(per[a_subj], per[b_subj])])

        def p99_ratio(a_subj, b_subj):
            return stats([a["wrk"]["p99_us"] / max(1, b["wrk"]["p99_us"]) for a, b in zip(per[a_subj], per[b_subj])])

        ratios[f] = (rps_ratio("ours", "nginx"), p99_ratio("ours", "nginx"))
        for subj, suffix in [("tomcat", "-tomcat"), ("ours-nolog", "-nolog")]:
            if per.get(subj):
                # Against nginx (req/s, p99), and ours (with the log, through Spring) against it.
                third = rps_ratio("ours", "tomcat") if subj == "tomcat" else rps_ratio("ours-nolog", "ours")
                ratios[f + suffix] = (rps_ratio(subj, "nginx"), p99_ratio(subj, "nginx"), third)
    w("")
    w("| ratio ours / nginx | req/s | p99 |")
    w("|---|---|---|")
    for f in ["big", "small"]:
        w(f"| {meta['files'][f]['size'] // 1000} KB | {fmt(ratios[f][0], '×', 2)} | {fmt(ratios[f][1], '×', 2)} |")
        if f + "-nolog" in ratios:
            r = ratios[f + "-nolog"]
            w(f"| {meta['files'][f]['size'] // 1000} KB, no access log | {fmt(r[0], '×', 2)} | {fmt(r[1], '×', 2)} |")
        if f + "-tomcat" in ratios:
            r = ratios[f + "-tomcat"]
            w(f"| {meta['files'][f]['size'] // 1000} KB, bare Tomcat instead of ours | {fmt(r[0], '×', 2)} | {fmt(r[1], '×', 2)} |")
    w("")
    if "small-tomcat" in ratios:
        w("The bare embedded Tomcat (the server the service runs on, one servlet serving the same files")
        w("the same way, no Spring, filters, metrics or logs, same JVM flags) is the ceiling for the service")
        w("on this machine. Ours / bare Tomcat, requests/s: "
          + ", ".join(f"{meta['files'][f]['size'] // 1000} KB {fmt(ratios[f + '-tomcat'][2], '×', 2)}"
                      for f in ["big", "small"] if f + "-tomcat" in ratios) + ".")
        w("")
    if "small-nolog" in ratios:
        w(f"Cost of the JSON access-log line: the instance without it serves "
          f"{fmt(ratios['small-nolog'][2], '×', 2)} the requests/s of the one with it (10 KB file).")
        w("")
    for f, need in [("big", 0.8), ("small", 0.5)]:
        s = ratios[f][0]
        targets.append((f"GET {meta['files'][f]['size'] // 1000} KB req/s vs nginx", fmt(s, "×", 2),
                        f"≥ {need}×", None if s is None else s["med"] >= need))
    for f in ["big", "small"]:
        s = ratios[f][1]
        targets.append((f"GET {meta['files'][f]['size'] // 1000} KB p99 vs nginx", fmt(s, "×", 2), "≤ 2×",
                        None if s is None else s["med"] <= 2))



def upload_section(meta, by, w, targets):
    if not by(phase="upload"):
        return
    if True:
        w(f"## Upload of a 12 MP JPEG ({meta['photo']['dims']}, {meta['photo']['size'] / 1e6:.1f} MB) → "
      f"{meta['max_upload_size']} px, quality {meta['quality']}")
    w("")
    w(f"Ours: wrk -t2 -c*N* for {meta['up_duration']} s each round; CPU = utime+stime of the service process (from")
    w("`/proc/PID/stat`) over the round, divided by the images found stored on disk afterwards.")
    w("Reference: `vipsthumbnail in.jpg -s 1200 -o out.jpg[Q=85,strip]`, *N* processes at a time,")
    w(f"{meta['vt_count']} images per round, CPU from the children's rusage. 503 = answers")
    w("'processing saturated' (with Retry-After).")
    w("")
    w("| concurrency | body | images/s | p99 ms | 503s | other errors | CPU ms / image | vipsthumbnail images/s | vipsthumbnail CPU ms / image | CPU ratio | images/s ratio |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    cpu_ratios_all = []
    for c in meta["concurrency"]:
        vt = by(phase="vt", conc=c)
        vt_ips = stats([r["images"] / r["wall_s"] for r in vt])
        vt_cpu = [r["cpu_s"] / max(1, r["images"]) * 1000 for r in vt]
        for mode in ["b64", "raw"]:
            rs = by(phase="upload", conc=c, mode=mode)
            ips = [r["stored"] / (r["wrk"]["duration_us"] / 1e6) for r in rs]
            p99 = stats([r["wrk"]["p99_us"] / 1000 for r in rs])
            n503 = sum(r["wrk"]["s503"] for r in rs)
            other = sum(r["wrk"]["other"] + r["wrk"]["connect_err"] + r["wrk"]["read_err"] +
                        r["wrk"]["write_err"] + r["wrk"]["timeout_err"] for r in rs)
            cpu = [r["cpu_s"] / max(1, r["stored"]) * 1000 for r in rs]
            cr = [a / b for a, b in zip(cpu, vt_cpu)]
            ir = [(r["stored"] / (r["wrk"]["duration_us"] / 1e6)) / (v["images"] / v["wall_s"])
                  for r, v in zip(rs, vt)]
            cpu_ratios_all.extend(cr)
            w(f"| {c} | {'base64 JSON' if mode == 'b64' else 'raw'} | {fmt(stats(ips), '', 2)} | {fmt(p99, '', 0)} | {n503} | {other} | "
              f"{fmt(stats(cpu), '', 0)} | {fmt(vt_ips, '', 2)} | {fmt(stats(vt_cpu), '', 0)} | "
              f"{fmt(stats(cr), '×', 2)} | {fmt(stats(ir), '×', 2)} |")
            s = stats(cr)
            targets.append((f"upload CPU/image vs vipsthumbnail, {mode}, c={c}", fmt(s, "×", 2), "≤ 1.25×",
                            None if s is None else s["med"] <= 1.25))
    w("")
    # Issue 14 §5: base64 vs raw CPU per image, same concurrency and round; images/s vs vipsthumbnail.
    b64_raw, ips_vt = [], []
    for c in meta["concurrency"]:
        vt = by(phase="vt", conc=c)
        for a, b in zip(by(phase="upload", conc=c, mode="b64"), by(phase="upload", conc=c, mode="raw")):
            b64_raw.append((a["cpu_s"] / max(1, a["stored"])) / (b["cpu_s"] / max(1, b["stored"])))
        for r, v in zip(by(phase="upload", conc=c, mode="b64"), vt):
            ips_vt.append((r["stored"] / (r["wrk"]["duration_us"] / 1e6)) / (v["images"] / v["wall_s"]))
    br = stats(b64_raw)
    w(f"base64 JSON / raw CPU per image, same concurrency and round (all concurrencies): {fmt(br, '×', 2)}.")
    w("")
    targets.append(("upload CPU/image, base64 JSON vs raw", fmt(br, "×", 2), "≤ 1.05×",
                    None if br is None else br["med"] <= 1.05))
    iv = stats(ips_vt)
    targets.append(("upload images/s vs vipsthumbnail loops, base64 JSON (all c)", fmt(iv, "×", 2), "≥ 1.0×",
                    None if iv is None else iv["med"] >= 1.0))



def iso_section(meta, by, w, targets):
    if not by(phase="iso"):
        return
    if True:
        w("## Latency isolation: GET of the thumbnail while uploads saturate the CPU")
    w("")
    w(f"Raw (or, row ours-b64, base64 JSON) 12 MP uploads at concurrency {meta['iso_upload_conc']} to our service, and at the same time")
    w(f"GET of the {meta['files']['small']['size'] // 1000} KB thumbnail with wrk -t1 -c{meta['iso_get_conc']} "
      "against ours or (reference) nginx.")
    w("")
    w("| GET subject | GET req/s | GET p99 ms | uploads/s meanwhile |")
    w("|---|---|---|---|")
    iso = {}
    for subj in ["ours", "nginx", "ours-b64"]:
        rs = by(phase="iso", subject=subj)
        iso[subj] = rs
        w(f"| {subj} | {fmt(stats([r['wrk']['requests'] / (r['wrk']['duration_us'] / 1e6) for r in rs]), '', 0)} | "
          f"{fmt(stats([r['wrk']['p99_us'] / 1000 for r in rs]), '', 2)} | "
          f"{fmt(stats([r['up']['ok'] / (r['up']['duration_us'] / 1e6) for r in rs]), '', 2)} |")
    ip = stats([r["wrk"]["p99_us"] / 1000 for r in iso["ours"]])
    ir = stats([a["wrk"]["p99_us"] / max(1, b["wrk"]["p99_us"]) for a, b in zip(iso["ours"], iso["nginx"])])
    w("")
    w(f"p99 ratio ours / nginx under the same upload load: {fmt(ir, '×', 2)}")
    w("")
    targets.append(("GET p99 under saturating uploads", fmt(ip, " ms", 1), "≤ 25 ms",
                    None if ip is None else ip["med"] <= 25))
    if iso["ours-b64"]:
        bp = stats([r["wrk"]["p99_us"] / 1000 for r in iso["ours-b64"]])
        br = stats([a["wrk"]["p99_us"] / max(1, b["wrk"]["p99_us"]) for a, b in zip(iso["ours-b64"], iso["ours"])])
        w(f"GET p99 of ours under base64 uploads / under raw uploads, same round: {fmt(br, '×', 2)}.")
        w("")
        targets.append(("GET p99 under saturating base64 uploads vs under raw uploads, same run",
                        f"{fmt(br, '×', 2)} ({fmt(bp, ' ms', 1)})", "≤ 1× (raw's figure)",
                        None if br is None else br["med"] <= 1.0))



def memory_section(meta, by, w, targets):
    if True:
        w("## Memory")
    w("")
    peak = by(phase="peak")
    pk = stats([r["vmhwm_kb"] / 1024 for r in peak])
    if peak:
        w(f"JVM flags {meta['java_opts']}. Peak RSS (VmHWM, reset before the concurrency-8 upload rounds) during 12 MP uploads at "
      f"concurrency 8: **{fmt(pk, ' MB', 0)}**.")
        w("")
        targets.append(("peak RSS, uploads at c=8", fmt(pk, " MB", 0), "≤ 512 MB",
                        None if pk is None else pk["med"] <= 512))
    rss = by(phase="rss")
    if rss:
        w("Peak RSS (VmHWM) of a fresh process during base64 JSON uploads of the 12 MP photo at concurrency 8 "
          f"({meta['up_duration']} s per run, launches alternated):")
        w("")
        w("| launch | peak RSS | images/s | 503s |")
        w("|---|---|---|---|")
        for launch, label in [("aot", f"tuned: {meta['java_opts']}, {meta['service_env']}"),
                              ("jar", f"tuned flags, plain jar: {meta['java_opts']}, {meta['service_env']}"),
                              ("plain", "plain `java -jar image-serving-service.jar` (no flags, no MALLOC_* variables)")]:
            rs = by(phase="rss", launch=launch)
            if not rs:
                continue
            pr = stats([r["vmhwm_kb"] / 1024 for r in rs])
            w(f"| {label} | {fmt(pr, ' MB', 0)} | {fmt(stats([r['stored'] / (r['wrk']['duration_us'] / 1e6) for r in rs]), '', 2)} | "
              f"{sum(r['wrk']['s503'] for r in rs)} |")
            if launch == "plain":
                targets.append(("peak RSS, base64 uploads at c=8, plain `java -jar`", fmt(pr, " MB", 0), "≤ 600 MB",
                                pr["med"] <= 600))
            else:
                targets.append(("peak RSS, base64 uploads at c=8, tuned launch", fmt(pr, " MB", 0), "≤ 512 MB",
                                pr["med"] <= 512))
        w("")
    g = by(phase="growth")
    if g:
        g = g[0]
        growth = (g["rss2_kb"] - g["rss1_kb"]) / g["rss1_kb"] * 100
        w(f"RSS growth on a fresh process, raw uploads of a {g['dims']} JPEG ({g['bytes'] / 1e6:.1f} MB) at "
          f"concurrency {g['conc']}: after {g['n1']} stored uploads {g['rss1_kb'] / 1024:.0f} MB, after "
          f"{g['n2']} {g['rss2_kb'] / 1024:.0f} MB (VmHWM {g['hwm_kb'] / 1024:.0f} MB): **{growth:+.1f}%**.")
        w("(A mid-size photo instead of the 12 MP one keeps 2,000 uploads within the time budget.)")
        w("")
        targets.append(("RSS growth 500 → 2,000 uploads", f"{growth:+.1f}%", "≤ 10%", growth <= 10))



def startup_section(meta, by, w, targets):
    if not by(phase="startup"):
        return
    if True:
        w("## Start-up")
    w("")
    w("From launching `java` to `/ready` answering 200 (empty uploads folder), starts alternated:")
    w("")
    w("| launch | seconds to /ready | CPU s used by then | RSS when ready |")
    w("|---|---|---|---|")
    s = None
    for v, label in [("aot", "extracted jar + AOT cache (`-XX:AOTCache`, as in the Dockerfile)"),
                     ("jar", "plain `java -jar image-serving-service.jar`")]:
        su = by(phase="startup", variant=v)
        if not su:
            continue
        sv = stats([r["seconds"] for r in su])
        s = s or sv
        w(f"| {label} | {fmt(sv, '', 2)} | {fmt(stats([r['cpu_s'] for r in su]), '', 2)} | "
          f"{fmt(stats([r['rss_kb'] / 1024 for r in su]), ' MB', 0)} |")
    w("")
    w("Wall time on a busy machine mostly measures waiting for a core; the CPU seconds column is")
    w("the load-independent part.")
    w("")
    targets.append(("start-up to /ready" + (" (AOT cache)" if meta.get("aot") else ""), fmt(s, " s", 2), "≤ 2.5 s", None if s is None else s["med"] <= 2.5))

def variants_section(meta, by, w, targets):
    """Issue 13 §7."""
    vr = by(phase="vrender")
    if vr:
        w("## Variants: render CPU vs vipsthumbnail")
        w("")
        w("Ours: GET of a variant of the stored 1200×900 JPEG, wrk -t2 -c2 for "
          f"{meta['up_duration']} s, every request with a `bg=` no other request has (rendered each time: "
          "never coalesced, never read back kept); CPU = utime+stime of the service process over the round "
          "divided by the answers. Reference: vipsthumbnail on the same stored file, 2 processes each "
          f"rendering {meta['var_count']} copies of it (one process per image would mostly measure libvips' "
          "start-up) with `VIPS_CONCURRENCY=1` (one libvips thread per render, as the service's workers on "
          "2 cores), CPU from the children's rusage; and the same with `VIPS_NOVECTOR=1`: libvips 8.14 "
          "without liborc's run-time compiled loops, which is how the service runs it (liborc 0.4.33 "
          "crashes the process when several threads build and free those loops at once; "
          "imaging/vips/Vips.vectorsAreSafe).")
        w("")
        w("| variant | ours CPU ms / variant | vipsthumbnail CPU ms / variant | ratio | "
          "vipsthumbnail, `VIPS_NOVECTOR=1` | ratio to it |")
        w("|---|---|---|---|---|---|")
        for kind, label, ref in [
            ("webp320", "320 px WebP, fit (`?w=320&f=webp`)", "`vipsthumbnail -s 320 -o out.webp[Q=85,strip]`"),
            ("fill96", "96×96 JPEG, fill, smart crop (`?w=96&h=96&rt=fill&g=sm&f=jpg`)",
             "`vipsthumbnail -s 96x96 --smartcrop attention -o out.jpg[Q=85,strip]`")]:
            ours = by(phase="vrender", kind=kind, subject="ours")
            vt = by(phase="vrender", kind=kind, subject="vt")
            nv = by(phase="vrender", kind=kind, subject="vtnv")
            oc = [r["cpu_s"] * 1000 / max(1, r["wrk"]["requests"] - r["wrk"]["non2xx"]) for r in ours]
            vc = [r["cpu_s"] * 1000 / max(1, r["images"]) for r in vt]
            nc = [r["cpu_s"] * 1000 / max(1, r["images"]) for r in nv]
            ratio = stats([a / b for a, b in zip(oc, vc)])
            nratio = stats([a / b for a, b in zip(oc, nc)])
            w(f"| {label}; {ref} | {fmt(stats(oc), '', 1)} | {fmt(stats(vc), '', 1)} | {fmt(ratio, '×', 2)} | "
              f"{fmt(stats(nc), '', 1)} | {fmt(nratio, '×', 2)} |")
            targets.append((f"variant render CPU vs vipsthumbnail, {kind}", fmt(ratio, "×", 2), "≤ 1.1×",
                            None if ratio is None else ratio["med"] <= 1.1))
            if nc:
                targets.append((f"variant render CPU vs vipsthumbnail with VIPS_NOVECTOR=1 (the service's "
                                f"code paths on libvips 8.14), {kind}", fmt(nratio, "×", 2), "≤ 1.1×",
                                None if nratio is None else nratio["med"] <= 1.1))
        errors = sum(r["wrk"]["non2xx"] for r in by(phase="vrender", subject="ours"))
        w("")
        w(f"Non-2xx answers during these runs: {errors}.")
        w("")
    vg = by(phase="vget")
    if vg:
        size = vg[0]["bytes"]
        w("## Kept variant GET vs GET of an original of similar size (wrk -t2 -c64)")
        w("")
        w(f"The kept variant `?w=260&f=jpg` of the 1200×900 image ({size / 1000:.1f} KB) in both spellings, "
          f"against the stored {meta['files']['small']['size'] / 1000:.1f} KB 260×195 thumbnail.")
        w("")
        w("| subject | req/s | p99 ms | vs original, req/s |")
        w("|---|---|---|---|")
        orig = by(phase="vget", subject="orig")
        for subj, label in [("orig", "original (thumbnail)"), ("query", "kept variant, `/images/{ns}/{id}?w=260&f=jpg`"),
                            ("path", "kept variant, `/variants/_/w:260/f:jpg/plain/local:///{ns}/{id}`")]:
            rs = by(phase="vget", subject=subj)
            ratio = stats([rps(a) / rps(b) for a, b in zip(rs, orig)])
            w(f"| {label} | {fmt(stats([rps(r) for r in rs]), '', 0)} | {fmt(stats([r['wrk']['p99_us'] / 1000 for r in rs]), '', 2)} | "
              f"{fmt(ratio, '×', 2) if subj != 'orig' else ''} |")
            if subj != "orig":
                targets.append((f"kept variant GET req/s vs original, {subj} form", fmt(ratio, "×", 2), "≥ 0.85×",
                                None if ratio is None else ratio["med"] >= 0.85))
        w("")
    co = by(phase="coalesce")
    if co:
        c = co[0]
        a = c["answers"]
        w("## 64 concurrent first requests for one variant")
        w("")
        w(f"64 threads released together (stdlib Python), one variant nobody asked for before: "
          f"{c['renders']} render(s) (`variants_render_seconds_count`), {c['coalesced']} answers coalesced "
          f"(`variants_served_total{{outcome=\"coalesced\"}}`), {a['ok']} × 200, {a['distinct']} distinct "
          f"answer(s) (status and SHA-256 of the body).")
        w("")
        ok = c["renders"] == 1 and a["ok"] == 64 and a["distinct"] == 1
        targets.append(("64 concurrent first requests: renders, identical answers",
                        f"{c['renders']} render, {a['distinct']} distinct of {a['ok']} × 200", "1 render, 1 answer", ok))
    vi = by(phase="viso")
    if vi:
        w("## GET of an original while variants render at saturation")
        w("")
        w(f"Variant renders (320 px WebP, every one new) at concurrency {meta['iso_upload_conc']}, and at the same time "
          f"GET of the {meta['files']['small']['size'] // 1000} KB thumbnail with wrk -t1 -c{meta['iso_get_conc']}.")
        w("")
        p99 = stats([r["wrk"]["p99_us"] / 1000 for r in vi])
        w(f"GET req/s {fmt(stats([rps(r) for r in vi]), '', 0)}, GET p99 **{fmt(p99, ' ms', 2)}**, "
          f"variants/s meanwhile {fmt(stats([r['render']['requests'] / (r['render']['duration_us'] / 1e6) for r in vi]), '', 2)}.")
        targets.append(("GET p99 of originals while variants render", fmt(p99, " ms", 1), "≤ 25 ms",
                        None if p99 is None else p99["med"] <= 25))
        vp = by(phase="vpeak")
        fresh = [r for r in by(phase="rss") if r["launch"] != "plain"]
        up = by(phase="peak")
        if vp and vp[0].get("fresh") and fresh:
            a = vp[0]["vmhwm_kb"] / 1024
            b = stats([r["vmhwm_kb"] / 1024 for r in fresh])
            w(f"Peak RSS of a fresh process through these renders and GETs (3 s warm-up, then the rounds): "
              f"{a:.0f} MB, against {fmt(b, ' MB', 0)} for a fresh process through base64 uploads of the 12 MP "
              "photo at concurrency 8 (the RSS section below, same launch).")
            targets.append(("peak RSS while variants render vs upload run (fresh processes)",
                            f"{a:.0f} MB vs {b['med']:.0f} MB", "≤ the upload run's", a <= b["med"]))
        elif vp and up:
            a, b = vp[0]["vmhwm_kb"] / 1024, up[0]["vmhwm_kb"] / 1024
            w(f"Peak RSS during these renders (VmHWM reset before): {a:.0f} MB, against {b:.0f} MB in the "
              "upload run at concurrency 8 (same process).")
            targets.append(("peak RSS while variants render vs upload run", f"{a:.0f} MB vs {b:.0f} MB",
                            "≤ the upload run's", a <= b))
        w("")


def shrink_section(meta, by, w, targets):
    """Issue 14 §4."""
    sr = by(phase="shrink")
    if not sr:
        return
    w("## Shrink-on-load: our rule vs the power-of-two rule")
    w("")
    w("Our rule (as vipsthumbnail): the JPEG loader shrinks by at most half the reduction, so Lanczos "
      "always does the last factor of two or more. The power-of-two rule (sharp, imgproxy): the largest "
      "power of two not past the reduction. Each output against a full decode resized with Lanczos 3 "
      "(`vips resize in.jpg ref SCALE --kernel lanczos3`); SSIM on luma, 8×8 windows (bench/Ssim.java). "
      "CPU: `vips resize 'in.jpg[shrink=N]' out.v SCALE --kernel lanczos3`, children's rusage (one process "
      "per image: libvips' start-up, the same for both rules, is included). Sources: the "
      "4000×3000 bench photo and a 4000×3000 chart (zone plate, 1–6 px line gratings, diagonals, text; "
      "bench/Chart.java, JPEG Q95).")
    w("")
    w("| image | target | rule | loader shrink | CPU ms / image | SSIM vs reference |")
    w("|---|---|---|---|---|---|")
    worst = {}
    faster = []
    for r in sr:
        cpu = r["cpu_s"] * 1000 / max(1, r["images"])
        r["cpu_ms"] = cpu
        w(f"| {r['image']} | {r['target']} px | {'ours (2× residual)' if r['rule'] == 'ours' else 'power of two'} | "
          f"{r['shrink']} | {cpu:.0f} | {r['ssim']:.4f} |")
    for img in sorted({r["image"] for r in sr}):
        p2 = [r for r in sr if r["image"] == img and r["rule"] == "pow2"]
        worst[img] = min(r["ssim"] for r in p2)
        for r in p2:
            ours = [o for o in sr if o["image"] == img and o["rule"] == "ours" and o["target"] == r["target"]]
            if ours and ours[0]["shrink"] != r["shrink"]:
                faster.append(r["cpu_ms"] / ours[0]["cpu_ms"])
    w("")
    adopt = all(v >= 0.99 for v in worst.values())
    fs = stats(faster)
    w(f"Power-of-two rule, where it shrinks more: CPU {fmt(fs, '×', 2)} of ours; lowest SSIM: "
      + ", ".join(f"{k} {v:.4f}" for k, v in worst.items()) + ".")
    w("")
    if adopt:
        w("**Decision:** SSIM stays ≥ 0.99 on both images: the power-of-two rule could be adopted.")
    else:
        w("**Decision: not adopted.** The power-of-two rule is faster, but its SSIM falls below 0.99 on "
          + ", ".join(k for k, v in worst.items() if v < 0.99)
          + ": the loader's DCT/box reduction aliases fine detail that Lanczos would have filtered, so "
          "the service keeps its rule (at most half the reduction in the loader, as vipsthumbnail).")
    w("")
    targets.append(("shrink-on-load: power-of-two rule's SSIM, photo and chart (adopted only if ≥ 0.99)",
                    ", ".join(f"{k} {v:.4f}" for k, v in worst.items())
                    + ("; adopted" if adopt else "; not adopted"), "≥ 0.99",
                    adopt))


if __name__ == "__main__":
    if sys.argv[1] == "vt":
        run_vipsthumbnail(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "cmd":
        run_command(sys.argv[5:], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
