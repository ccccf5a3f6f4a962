#!/usr/bin/env bash
# Class data sharing for Cakeday: unpacks the jar into DIR and records the classes a start-up
# loads into DIR/cakeday.jsa. A JVM started with that archive maps those classes instead of
# loading and verifying them again, which halves the time to ready (docs/BENCHMARKS.md, Start-up).
#
#   ops/cds-archive.sh target/cakeday.jar /opt/cakeday/app
#   java -XX:SharedArchiveFile=/opt/cakeday/app/cakeday.jsa -jar /opt/cakeday/app/cakeday.jar
#
# DIR must not exist yet, or be empty. The archive belongs to the JVM that made it: make it again
# with the JVM that will run it ($JAVA, or java on the PATH), after every new jar or JDK. A JVM
# that finds it stale or missing says so once and starts as without it.
#
# The training run starts the application context and stops before it serves or opens a port.
# It needs no database: Flyway is off, and the one read at start-up (the database's clock) finds
# a port that refuses, which an instance survives. It runs with none of this environment's Spring
# or Cakeday settings, so an instance's configuration, whatever it is, cannot make it fail.
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

"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir"

# Settings from the environment are dropped (SPRING_DATASOURCE_URL, CAKEDAY_MAIL_PROVIDER, ...),
# and the training runs in DIR, where no config/ directory is read.
unset_settings=()
while IFS='=' read -r name _; do
    case $name in
        SPRING_* | CAKEDAY_* | DB_SCHEDULER_* | SERVER_* | MANAGEMENT_* | JAVA_TOOL_OPTIONS | JDK_JAVA_OPTIONS)
            unset_settings+=(-u "$name") ;;
    esac
done < <(env)

(
    cd "$dir"
    env "${unset_settings[@]}" "$java" \
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
