#!/usr/bin/env python3
"""Where an instance's CPU samples go, by subsystem: a JFR recording's jdk.ExecutionSample events,
each counted for the innermost frame on its stack that belongs to a known library (or Cakeday),
then the innermost frames themselves. Samples of the first SKIP seconds (25 by default: the
start-up) and of the main thread are left out.

    BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile,dumponexit=true" ops/bench/run.sh
    ops/bench/jfr-subsystems.py /tmp/jfr/<the instance's recording>.jfr

JFR samples only threads running Java code, a few per 10 ms: JIT compilation, GC and time in the
kernel are not in these shares, and the sample count says how coarse they are.
"""
import collections
import json
import os
import subprocess
import sys
from datetime import datetime

f = sys.argv[1]
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", f],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
skip = float(os.environ.get("SKIP", "25"))
def at(e): return datetime.fromisoformat(e["values"]["startTime"][:26])
t0 = min(at(e) for e in events)
events = [e for e in events if (at(e) - t0).total_seconds() >= skip
          and e["values"].get("sampledThread", {}).get("javaName") not in ("main", "background-preinit")]
SUBSYSTEMS = [
    ("org.postgresql.", "PostgreSQL JDBC driver"),
    ("com.zaxxer.hikari.", "Hikari pool"),
    # Kotlin's runtime: here only OkHttp and Okio are written in Kotlin.
    ("okhttp3.", "HTTP client (OkHttp, Okio)"), ("okio.", "HTTP client (OkHttp, Okio)"), ("kotlin.", "HTTP client (OkHttp, Okio)"),
    ("tools.jackson.", "JSON (Jackson)"), ("com.fasterxml.jackson.", "JSON (Jackson)"),
    ("ch.qos.logback.", "logging (Logback, SLF4J)"), ("org.slf4j.", "logging (Logback, SLF4J)"),
    ("io.micrometer.", "metrics (Micrometer)"),
    ("org.apache.catalina.", "Tomcat"), ("org.apache.coyote.", "Tomcat"), ("org.apache.tomcat.", "Tomcat"),
    ("com.github.kagkarlsson.", "db-scheduler"),
    ("io.github.resilience4j.", "circuit breaker (Resilience4j)"),
    ("com.ibm.icu.", "templates (ICU4J)"),
    ("org.springframework.", "Spring (JdbcClient, transactions, beans)"),
    ("dev.cakeday.", "Cakeday's own code"),
]
def subsystem(frames):
    for fr in frames:
        t = fr["method"]["type"]["name"].replace("/", ".")
        for prefix, name in SUBSYSTEMS:
            if t.startswith(prefix):
                return name
    return "JDK only (no library frame on the stack)"


by_sub = collections.Counter()
top = collections.Counter()
for e in events:
    frames = (e["values"].get("stackTrace") or {}).get("frames", [])
    by_sub[subsystem(frames)] += 1
    if frames:
        m = frames[0]["method"]
        top[m["type"]["name"] + "." + m["name"]] += 1
n = sum(by_sub.values())
print(f"samples: {n}")
for k, v in by_sub.most_common():
    print(f"| {k} | {100 * v / n:.1f} % |")
print()
for k, v in top.most_common(12):
    print(f"| `{k}` | {100 * v / n:.1f} % |")
