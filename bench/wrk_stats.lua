-- wrk script for bench/throughput.py and the drills: every request a different viewer, every
-- answer other than 200 counted, percentiles printed as one JSON line.
--
--   wrk ... --script bench/wrk_stats.lua http://127.0.0.1:PORT/ -- ITEMS_FILE THREADS
--
-- ITEMS_FILE (optional) holds one request a line, "<Cookie header value><TAB><path>". Each
-- request takes the next line (thread t of T takes lines t, t+T, t+2T, … so no two threads send
-- the same line together), so a file of N students' sessions spreads the load over N signed-in
-- students, and appends a query string never sent before (?bench=<thread>.<n>), so nothing in
-- the stack can answer from a cache keyed on the URL. Without a file wrk sends its own URL and
-- --header options, as plain wrk does.
--
-- wrk counts only 4xx/5xx as errors; a signed-out request answers 302 (to the sign-in page),
-- which would look like success. So every status other than 200 is counted here, and done()
-- prints one machine-readable line with the counts and the latency percentiles (p95 included,
-- which `wrk --latency` does not print), in microseconds.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  n5xx = 0
  n3xx = 0
  last_bad_status = 0
  items = {}
  counter = 0
  nthreads = tonumber(args[2] or "1")
  if args[1] and args[1] ~= "" then
    for line in io.lines(args[1]) do
      local cookie, path = line:match("^([^\t]*)\t(.+)$")
      if path then
        table.insert(items, { cookie, path })
      end
    end
  end
end

function request()
  if #items == 0 then
    return wrk.format()
  end
  local index = (counter * nthreads + tid) % #items + 1
  counter = counter + 1
  local item = items[index]
  local separator = "?"
  if item[2]:find("?", 1, true) then
    separator = "&"
  end
  local path = item[2] .. separator .. "bench=" .. tid .. "." .. counter
  local headers = { ["Host"] = wrk.headers["Host"] }
  if item[1] ~= "" then
    headers["Cookie"] = item[1]
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    last_bad_status = status
    if status >= 500 then
      n5xx = n5xx + 1
    elseif status >= 300 and status < 400 then
      n3xx = n3xx + 1
    end
  end
end

function done(summary, latency, requests)
  local bad, bad_status, server_errors, redirects = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    server_errors = server_errors + thread:get("n5xx")
    redirects = redirects + thread:get("n3xx")
    if thread:get("last_bad_status") ~= 0 then
      bad_status = thread:get("last_bad_status")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non200": %d, ' ..
    '"n5xx": %d, "n3xx": %d, "last_bad_status": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %.0f, "p75_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, ' ..
    '"p99_us": %.0f, "max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, bad, server_errors, redirects, bad_status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max))
end
