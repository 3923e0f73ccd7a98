-- wrk script for the stats bench. Environment:
--   BENCH_BODY     the JSON body to POST (GET when empty)
--   BENCH_COOKIES  a file of "name=value" reader cookies; each request takes the next
--                  one, so every request is a new reader (else BENCH_COOKIE is sent)
--   BENCH_COOKIE   one cookie for every request (the same reader again and again)
local body = os.getenv("BENCH_BODY") or ""
local cookie_file = os.getenv("BENCH_COOKIES") or ""
local one_cookie = os.getenv("BENCH_COOKIE") or ""
local ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
local cookies = {}
local index = 0
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  if cookie_file ~= "" then
    -- Thread k takes lines k, k+n, k+2n, ... (n = 2 threads), so no two share a reader.
    local n = 0
    for line in io.lines(cookie_file) do
      n = n + 1
      if n % 2 == id % 2 then table.insert(cookies, line) end
    end
  end
end

function request()
  local headers = { ["User-Agent"] = ua }
  if #cookies > 0 then
    index = index + 1
    headers["Cookie"] = cookies[((index - 1) % #cookies) + 1]
  elseif one_cookie ~= "" then
    headers["Cookie"] = one_cookie
  end
  if body ~= "" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", nil, headers)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
