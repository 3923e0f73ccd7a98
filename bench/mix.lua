-- wrk script for the soak: a steady mix of pages, searches and beacons.
--   BENCH_PATHS     a file of paths to GET in turn
--   BENCH_COOKIES   a file of reader cookies; each beacon comes from the next reader
--   BENCH_PAGE      the page id the beacons count
--   BENCH_DELAY_MS  each connection waits this long between requests (a steady rate)
local paths, cookies = {}, {}
local step, cookie_index = 0, 0
local page = os.getenv("BENCH_PAGE")
local wait = tonumber(os.getenv("BENCH_DELAY_MS") or "40")
local ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do table.insert(paths, line) end
  local n = 0
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    n = n + 1
    if n % 2 == id % 2 then table.insert(cookies, line) end
  end
end

function delay()
  return wait
end

function request()
  step = step + 1
  if step % 2 == 0 then
    cookie_index = cookie_index + 1
    local headers = {
      ["User-Agent"] = ua,
      ["Content-Type"] = "application/json",
      ["Cookie"] = cookies[((cookie_index - 1) % #cookies) + 1],
    }
    return wrk.format("POST", "/stats/hit/", headers, '{"page": ' .. page .. '}')
  end
  local path = paths[((step / 2) % #paths) + 1] or paths[1]
  return wrk.format("GET", path, { ["User-Agent"] = ua })
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
