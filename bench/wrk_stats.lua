-- wrk script for bench/throughput.py and bench/faults/worker_kill.py.
--
-- wrk counts only 4xx/5xx as errors; a signed-out request answers 302 (to the sign-in page),
-- which would look like success. So every status other than 200 is counted here, and done()
-- prints one machine-readable line with the counts and the latency percentiles (p95 included,
-- which `wrk --latency` does not print), in microseconds.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  last_bad_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    last_bad_status = status
  end
end

function done(summary, latency, requests)
  local bad, bad_status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    if thread:get("last_bad_status") ~= 0 then
      bad_status = thread:get("last_bad_status")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non200": %d, ' ..
    '"last_bad_status": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %.0f, "p75_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, ' ..
    '"p99_us": %.0f, "max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, bad, bad_status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max))
end
