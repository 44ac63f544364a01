-- wrk script: spreads requests evenly over the paths in $LOAD_PATHS (space-separated) and counts the
-- responses by status. Any status outside 2xx is an error for the load test (wrk itself would accept 3xx).
-- With $LOAD_SERVERS (host:port, space-separated), wrk's threads take turns over those servers, each
-- sending the URL's Host header, as a load balancer in front of them would.
local paths = {}
for path in string.gmatch(os.getenv("LOAD_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local servers = {}
for server in string.gmatch(os.getenv("LOAD_SERVERS") or "", "%S+") do
  table.insert(servers, server)
end

local threads = {}

function setup(thread)
  if #servers > 0 then
    local host, port = servers[(#threads % #servers) + 1]:match("^(.+):(%d+)$")
    thread.addr = wrk.lookup(host, port)[1]
  end
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
  statuses = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, non2xx = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
      if status < 200 or status > 299 then non2xx = non2xx + n end
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, non2xx, socket_errors))
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("STATUSES " .. table.concat(parts, " ") .. "\n")
  if #servers > 0 then
    local answered = {}
    for _, thread in ipairs(threads) do
      local server = tostring(thread.addr)
      for _, n in pairs(thread:get("statuses")) do answered[server] = (answered[server] or 0) + n end
    end
    parts = {}
    for server, n in pairs(answered) do table.insert(parts, server .. "=" .. n) end
    table.sort(parts)
    io.write("SERVERS " .. table.concat(parts, " ") .. "\n")
  end
end
