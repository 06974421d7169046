-- wrk driver: POSTs a random line of a request file on every request and
-- counts answers that are not a clean GraphQL success (non-200 or "errors").
-- Each line of the file: <bearer token or empty><TAB><JSON body>.
-- Usage: wrk -s bench/wrk_bodies.lua URL -- FILE
-- At the end it prints one line: RESULT <json>.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local tokens, bodies = {}, {}
failures = 0

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    table.insert(tokens, line:sub(1, tab - 1))
    table.insert(bodies, line:sub(tab + 1))
  end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  local i = math.random(#bodies)
  local headers = { ["Content-Type"] = "application/json" }
  if tokens[i] ~= "" then
    headers["Authorization"] = "Bearer " .. tokens[i]
  end
  return wrk.format("POST", nil, headers, bodies[i])
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "failures": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, failed,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
