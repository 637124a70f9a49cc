#!/usr/bin/env python3
"""Helpers of scripts/bench.sh.

  stats.py vt IMAGE COUNT PARALLEL OUTDIR   run vipsthumbnail COUNT times, PARALLEL at once;
                                            print {"images","wall_s","cpu_s"} (children rusage)
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
    os.makedirs(outdir, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    running, done, failed = [], 0, 0
    i = 0
    while done < count:
        while len(running) < parallel and i < count:
            out = os.path.join(outdir, f"out{i}.jpg[Q=85,strip]")
            running.append(subprocess.Popen(["vipsthumbnail", image, "-s", "1200", "-o", out]))
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
    "glibc: `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072` "
    "returns libvips's freed buffers to the system: about -40 MB peak RSS.",
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

    # ---- Uploads
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

    # ---- Isolation
    w("## Latency isolation: GET of the thumbnail while uploads saturate the CPU")
    w("")
    w(f"Raw 12 MP uploads at concurrency {meta['iso_upload_conc']} to our service, and at the same time")
    w(f"GET of the {meta['files']['small']['size'] // 1000} KB thumbnail with wrk -t1 -c{meta['iso_get_conc']} "
      "against ours or (reference) nginx.")
    w("")
    w("| GET subject | GET req/s | GET p99 ms | uploads/s meanwhile |")
    w("|---|---|---|---|")
    iso = {}
    for subj in ["ours", "nginx"]:
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

    # ---- Memory
    w("## Memory")
    w("")
    peak = by(phase="peak")
    pk = stats([r["vmhwm_kb"] / 1024 for r in peak])
    w(f"JVM flags {meta['java_opts']}. Peak RSS (VmHWM, reset before the concurrency-8 upload rounds) during 12 MP uploads at "
      f"concurrency 8: **{fmt(pk, ' MB', 0)}**.")
    w("")
    targets.append(("peak RSS, uploads at c=8", fmt(pk, " MB", 0), "≤ 512 MB",
                    None if pk is None else pk["med"] <= 512))
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

    # ---- Start-up
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


if __name__ == "__main__":
    if sys.argv[1] == "vt":
        run_vipsthumbnail(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
