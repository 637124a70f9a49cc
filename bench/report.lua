-- wrk script: optional POST body from a file, per-status counts, and one JSON summary line.
-- Environment: BENCH_BODY (file whose bytes are the body; unset = GET), BENCH_CTYPE
-- (Content-Type of the body), BENCH_LIMIT (stop each thread after this many responses; 0 = none).
local threads = {}
local body_file = os.getenv("BENCH_BODY")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")

if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = os.getenv("BENCH_CTYPE") or "application/octet-stream"
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- BENCH_VARY=1: a different bg= on every GET (wrk's URL plus "&bg=RRGGBB"), so that every request
-- is a variant no other has asked for: rendered each time, never coalesced nor read back kept.
if os.getenv("BENCH_VARY") == "1" then
  local n = 0
  function request()
    n = n + 1
    local bg = string.format("%06x", ((id or 1) * 4194304 + n) % 16777216)
    return wrk.format(nil, wrk.path .. "&bg=" .. bg)
  end
end

function init(args)
  ok, busy, other, seen = 0, 0, 0, 0
end

-- Only defined for POST runs: a Lua call per response costs wrk time on GET floods.
if wrk.method == "POST" then
  function response(status, headers, body)
    seen = seen + 1
    if status == 200 or status == 201 then
      ok = ok + 1
    elseif status == 503 then
      busy = busy + 1
    else
      other = other + 1
    end
    if limit > 0 and seen >= limit then
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local ok_n, busy_n, other_n = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_n = ok_n + (t:get("ok") or 0)
    busy_n = busy_n + (t:get("busy") or 0)
    other_n = other_n + (t:get("other") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"non2xx":%d,"connect_err":%d,"read_err":%d,"write_err":%d,"timeout_err":%d,' ..
    '"ok":%d,"s503":%d,"other":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout, ok_n, busy_n, other_n))
end
