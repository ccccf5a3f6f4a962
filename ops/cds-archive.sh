#!/usr/bin/env bash
# Class data sharing for Cakeday: unpacks the jar into DIR and records the classes a start-up
# loads into DIR/cakeday.jsa. A JVM started with that archive maps those classes instead of
# loading and verifying them again, which halves the time to ready (docs/BENCHMARKS.md, Start-up).
#
#   ops/cds-archive.sh target/cakeday.jar /opt/cakeday/app
#   java -XX:SharedArchiveFile=/opt/cakeday/app/cakeday.jsa -jar /opt/cakeday/app/cakeday.jar
#
# DIR must not exist yet, or be empty. The archive belongs to the JVM that made it and to DIR's
# absolute path: make it with the JVM that will run it ($JAVA, or java on the PATH), in the
# directory it will run from, again after every new jar or JDK (into a new directory, then point a
# symbolic link at it: a moved or copied directory no longer matches its archive). A JVM that
# cannot use the archive (a stale one, or a heap of 32 GB or more) starts as without it, in the
# time it takes without it.
#
# The training run starts the application context and stops before it serves or opens a port.
# It needs no database: Flyway is off, and the one read at start-up (the database's clock) finds
# a port that refuses, which an instance survives. It runs with an empty environment but for PATH,
# HOME and LANG, so no setting of an instance's (SPRING_*, CAKEDAY_*, _JAVA_OPTIONS, ...) reaches it,
# and with a heap well under 32 GB, whatever the machine's memory, so that the archive uses
# compressed pointers as an instance's heap does.
set -euo pipefail

usage="usage: ops/cds-archive.sh CAKEDAY_JAR DIR"
jar=${1:?$usage}
dir=${2:?$usage}
java=${JAVA:-java}

if [[ ! -f $jar ]]; then
    echo "ops/cds-archive.sh: $jar is not a file" >&2
    exit 2
fi
if [[ -e $dir && -n $(ls -A "$dir") ]]; then
    echo "ops/cds-archive.sh: $dir is not empty; name a new directory" >&2
    exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

java=$(command -v "$java") || { echo "ops/cds-archive.sh: no java found (set JAVA)" >&2; exit 2; }
"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" --application-filename cakeday.jar

# The training runs in DIR, where no config/ directory is read.
(
    cd "$dir"
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 "$java" \
        -Xmx512m \
        -XX:ArchiveClassesAtExit="$dir/cakeday.jsa" \
        -Dspring.context.exit=onRefresh \
        -jar "$dir/cakeday.jar" \
        --spring.datasource.url=jdbc:postgresql://127.0.0.1:1/cds-training \
        --spring.flyway.enabled=false \
        > "$dir/cds-training.log" 2>&1
) || {
    echo "ops/cds-archive.sh: the training run failed; its output is in $dir/cds-training.log" >&2
    exit 1
}
if [[ ! -s $dir/cakeday.jsa ]]; then
    echo "ops/cds-archive.sh: no archive was written; see $dir/cds-training.log" >&2
    exit 1
fi
echo "$dir/cakeday.jsa"
