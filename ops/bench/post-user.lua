-- wrk script: POST /user with a valid, unique user per request.
-- wrk -t2 -c64 -d30s -s ops/bench/post-user.lua http://127.0.0.1:8080/user -- <run tag>
local threads = {}
local firsts = {"Ada", "Alan", "Grace", "Linus", "Mary", "Priya", "Kenji", "Fatima", "Mateo", "Zainab"}
local lasts = {"Lovelace", "Turing", "Hopper", "Torvalds", "Shelley", "Sharma", "Tanaka", "Khan", "O'Neil", "Silva"}
local zones = {"Asia/Kolkata", "Asia/Shanghai", "America/New_York", "Europe/London", "Africa/Lagos",
               "America/Sao_Paulo", "Asia/Jakarta", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"}

function setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

function init(args)
    tag = args[1] or "0"
    counter = 0
    math.randomseed(os.time() + tid)
end

function request()
    counter = counter + 1
    local first = firsts[math.random(#firsts)]
    local body = string.format(
        '{"firstName":"%s","lastName":"%s","email":"api.%s.%d.%d@bench.example","birthday":"%04d-%02d-%02d","timezone":"%s"}',
        first, lasts[math.random(#lasts)], tag, tid, counter,
        math.random(1950, 2005), math.random(1, 12), math.random(1, 28), zones[math.random(#zones)])
    return wrk.format("POST", "/user", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
