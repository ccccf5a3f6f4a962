-- wrk script: GET /user/{id} for ids drawn at random from a file (one id a line).
-- wrk -t2 -c64 -d30s -s ops/bench/get-user.lua http://127.0.0.1:8080 -- <ids file>
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

function init(args)
    ids = {}
    for line in io.lines(args[1]) do
        if #line > 0 then
            table.insert(ids, line)
        end
    end
    math.randomseed(os.time() + tid)
end

function request()
    return wrk.format("GET", "/user/" .. ids[math.random(#ids)])
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
