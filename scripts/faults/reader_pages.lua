-- wrk script: requests rotate over the reader pages listed one per line in
-- the file named after `--` (paths percent-encoded), each with the header the
-- TLS proxy adds in production. At the end it prints one JSON line with the
-- request count, every kind of error wrk counts and the 99th percentile.

wrk.headers["X-Forwarded-Proto"] = "https"

local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "p50_ms": %.1f, "p99_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
