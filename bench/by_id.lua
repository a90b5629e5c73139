-- wrk script for the by-id benchmark: each request asks for a random id in 1..N, where N is the
-- first argument after "--". When the run ends it prints one machine-readable "BENCH" line.

local requests = {}

function init(args)
  local max_id = tonumber(args[1]) or 1
  math.randomseed(os.time())
  for id = 1, max_id do
    requests[id] = wrk.format("GET", "/schemas/ids/" .. id)
  end
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d " ..
    "status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
