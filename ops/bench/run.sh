#!/usr/bin/env bash
# Cakeday benchmarks: one command, a fresh database, a table on stdout and docs/BENCHMARKS.md.
#
#   ops/bench/run.sh                        # the full run (42 minutes on 2 cores, measured on 2026-12-03)
#   BENCH_USERS_IMPORT=20000 BENCH_USERS_PLAN=20000 BENCH_BURST=2000 BENCH_API_SECONDS=5 ops/bench/run.sh
#                                           # a smoke run (a few minutes)
#
# Scenarios (each figure is the median of BENCH_RUNS runs, with the min–max spread):
#   import   `java -jar cakeday.jar import users.csv` of BENCH_USERS_IMPORT synthetic users
#   plan     `java -jar cakeday.jar plan` on BENCH_USERS_PLAN users loaded by SQL, and `plan --explain`
#   burst    BENCH_BURST greetings due at one instant, one instance, provider answering in 0 and 100 ms
#   cold     the same burst met by an instance started BENCH_COLD_LEAD s before it, with no warm-up
#   scale    the same burst with 1, 2 and 3 instances
#   ceiling  the same per-greeting database work replayed by pgbench at the same concurrency
#   api      wrk at concurrency 64 on POST /user and GET /user/{id}, with BENCH_API_USERS users already there
#   log      the delivery log at size, not in the default list (hours, and tens of GB of disk per layout):
#            BENCH_LOG_ROWS greetings over BENCH_LOG_YEARS years of local dates, once partitioned by month
#            (as V7 made it) and once as one plain table, each in a fresh database with BENCH_LOG_USERS
#            users: the load and the log's size, `plan` over those users, a burst at 0 ms, the drop of the
#            oldest month (`maintain-log` against DELETE and VACUUM) and the archive of the next one
#            (`maintain-log` with an archive directory against COPY into gzip); side by side in the report.
#            Run it on its own: BENCH_SCENARIOS=log BENCH_RUNS=1 ops/bench/run.sh
#
# Knobs (environment): BENCH_USERS_IMPORT (1000000), BENCH_USERS_PLAN ("1000000 10000000"),
# BENCH_BURST (10000), BENCH_WARMUP (greetings sent before each burst, 20000), BENCH_RUNS (3), BENCH_API_SECONDS (30), BENCH_API_CONCURRENCY (64),
# BENCH_LATENCIES_MS ("0 100"), BENCH_SCALE_INSTANCES ("1 2 3"), BENCH_SCALE_LATENCY_MS (0),
# BENCH_CEILING_CLIENTS (20), BENCH_API_USERS (users loaded by SQL before each API run, "10000 1000000"),
# BENCH_SCENARIOS (all of
# "import plan burst cold scale ceiling api"), BENCH_HEAP (256m), BENCH_OUT (docs/BENCHMARKS.md),
# BENCH_CDS (1: run the jar as the Docker image and ops/cakeday.service do, unpacked with its class-data
# archive by ops/cds-archive.sh; 0: java -jar target/cakeday.jar),
# BENCH_SERVICE_ARGS (extra --key=value arguments for every run of the jar), BENCH_JAVA_OPTS (extra JVM
# options for them), BENCH_KEEP (1: keep the logs), BENCH_COLD_LEAD (seconds between the start of a cold
# instance and its burst, 120), BENCH_COLD_LATENCIES_MS (as BENCH_LATENCIES_MS).
# The log scenario's: BENCH_LOG_ROWS (100000000), BENCH_LOG_YEARS (5), BENCH_LOG_USERS (users loaded for its
# planning run, 10000000), BENCH_LOG_LAYOUTS ("partitioned unpartitioned"). Every run of the jar in it has
# --cakeday.log.retention=0 (the log maintenance of the instances and commands drops nothing) except those
# that measure the drop and the archive.
#
# The database: by default (BENCH_PG=own) a PostgreSQL cluster of its own, `initdb` into a temporary
# directory (as the postgres user when run as root), on 127.0.0.1 and BENCH_PG_PORT (5499, or a free
# port when that one is taken), with autovacuum on and the settings of PG_CONF below; stopped and
# removed at the end, also on failure or Ctrl-C. BENCH_PG_BIN (/usr/lib/postgresql/15/bin) holds
# initdb and pg_ctl, BENCH_PG_PARENT (${TMPDIR:-/tmp}) the temporary directory.
# BENCH_PG=external uses an existing server instead, as PGHOST/PGPORT/PGUSER/PGPASSWORD say
# (127.0.0.1, 5432, postgres), with its settings as they are.
#
# It creates the database cakeday_bench_<epoch> and drops it at the end, also on failure or Ctrl-C,
# and stops every process it started. Needs java 17+, psql, pgbench, curl, and wrk (installed with
# apt-get when missing and run as root). Builds target/cakeday.jar when missing.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BENCH=ops/bench
JAR=target/cakeday.jar

USERS_IMPORT=${BENCH_USERS_IMPORT:-1000000}
USERS_PLAN=${BENCH_USERS_PLAN:-"1000000 10000000"}
read -r -a PLAN_SIZES <<< "$USERS_PLAN"
BURST=${BENCH_BURST:-10000}
WARMUP=${BENCH_WARMUP:-20000}
RUNS=${BENCH_RUNS:-3}
API_SECONDS=${BENCH_API_SECONDS:-30}
API_CONCURRENCY=${BENCH_API_CONCURRENCY:-64}
read -r -a API_SIZES <<< "${BENCH_API_USERS:-10000 1000000}"
LATENCIES=${BENCH_LATENCIES_MS:-"0 100"}
SCALE_INSTANCES=${BENCH_SCALE_INSTANCES:-"1 2 3"}
SCALE_LATENCY=${BENCH_SCALE_LATENCY_MS:-0}
CEILING_CLIENTS=${BENCH_CEILING_CLIENTS:-20}
SCENARIOS=${BENCH_SCENARIOS:-"import plan burst cold scale ceiling api"}
COLD_LEAD=${BENCH_COLD_LEAD:-120}
COLD_LATENCIES=${BENCH_COLD_LATENCIES_MS:-$LATENCIES}
LOG_ROWS=${BENCH_LOG_ROWS:-100000000}
LOG_YEARS=${BENCH_LOG_YEARS:-5}
LOG_USERS=${BENCH_LOG_USERS:-10000000}
read -r -a LOG_LAYOUTS <<< "${BENCH_LOG_LAYOUTS:-partitioned unpartitioned}"
for layout in "${LOG_LAYOUTS[@]}"; do
    case $layout in partitioned|unpartitioned) ;; *) echo "BENCH_LOG_LAYOUTS holds partitioned and unpartitioned, not $layout" >&2; exit 2 ;; esac
done
HEAP=${BENCH_HEAP:-256m}
OUT=${BENCH_OUT:-docs/BENCHMARKS.md}
read -r -a SERVICE_ARGS <<< "${BENCH_SERVICE_ARGS:-}"
read -r -a JAVA_OPTS <<< "${BENCH_JAVA_OPTS:-}"
CDS=${BENCH_CDS:-1}
case $CDS in 0|1) ;; *) echo "BENCH_CDS is 0 or 1, not $CDS" >&2; exit 2 ;; esac
PG_MODE=${BENCH_PG:-own}
PG_BIN=${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
case $PG_MODE in
    own) export PGHOST=127.0.0.1 PGPORT=${BENCH_PG_PORT:-5499} PGUSER=postgres
         export PGPASSWORD=${PGPASSWORD:-postgres} ;;
    external) export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} ;;
    *) echo "BENCH_PG is own or external, not $PG_MODE" >&2; exit 2 ;;
esac
PGPASSWORD_APP=${PGPASSWORD:-postgres}

# The settings of the bench's own cluster (BENCH_PG=own), stated here only: written into its
# postgresql.conf, and printed into the report as the server shows them (with an external server, the
# same names with that server's values). For a 24 GiB, 2-core machine that also runs the instances, the
# fake provider and the load generators; production servers run with autovacuum on.
PG_CONF=(
    "listen_addresses = '127.0.0.1'"
    "max_connections = 100"
    "shared_buffers = 1GB"
    "effective_cache_size = 12GB"
    "work_mem = 16MB"
    "maintenance_work_mem = 512MB"
    "max_wal_size = 4GB"
    "min_wal_size = 1GB"
    "checkpoint_timeout = 15min"
    "checkpoint_completion_target = 0.9"
    "synchronous_commit = on"
    "fsync = on"
    "full_page_writes = on"
    "autovacuum = on"
    "track_counts = on"
    "track_io_timing = on"
    "log_autovacuum_min_duration = 0"
    "log_checkpoints = on"
)
# Shown in the report beside PG_CONF's, as the server has them (defaults here).
PG_REPORT_EXTRA=(port random_page_cost effective_io_concurrency default_statistics_target wal_level
    autovacuum_max_workers autovacuum_naptime autovacuum_vacuum_scale_factor autovacuum_vacuum_insert_scale_factor
    autovacuum_analyze_scale_factor autovacuum_vacuum_cost_limit jit)
# pg_stat_statements when this PostgreSQL has it: the bench counts statements per greeting with it.
if [ -f "$("$PG_BIN/pg_config" --sharedir 2>/dev/null)/extension/pg_stat_statements.control" ]; then
    PG_CONF+=("shared_preload_libraries = 'pg_stat_statements'" "pg_stat_statements.track = top"
              "pg_stat_statements.track_utility = off")
fi

RUN_ID=$(date +%s)
DB=cakeday_bench_$RUN_ID
WORK=$(mktemp -d "/tmp/cakeday-bench-$RUN_ID.XXXX")
RESULTS=$WORK/results.tsv   # key <TAB> value, one line per run
NOTES=$WORK/notes.txt       # sentences for the report
PIDS=$WORK/pids             # the processes a scenario started
KEEP_PIDS=$WORK/pids.keep   # the fake provider, kept for the whole run
STARTED_AT=$(date +%s)
FAILED=0
: > "$RESULTS"; : > "$NOTES"; : > "$PIDS"; : > "$KEEP_PIDS"

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
note() { printf '%s\n' "$*" >> "$NOTES"; say "note: $*"; }
die() { say "ERROR: $*"; exit 1; }
record() { printf '%s\t%s\n' "$1" "$2" >> "$RESULTS"; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------------------------
# Processes

# Only processes whose command line carries this run's id are ever signalled.
ours() { { tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null | grep -q -- "$RUN_ID"; }

# start <log> <command…>: runs in the background, remembers the pid in $! and the pid file.
start() {
    local log=$1; shift
    "$@" > "$log" 2>&1 &
    echo $! >> "${PIDFILE:-$PIDS}"
}

# stop <pid>: SIGTERM, then SIGKILL after 30 s.
stop() {
    local pid=$1 i
    ours "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 300; i++)); do
        ours "$pid" || break
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
        sleep 0.1
    done
    if ours "$pid" && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

stop_all() { # stop_all [pid file]
    local file=${1:-$PIDS} pid
    [ -f "$file" ] || return 0
    for pid in $(tac "$file"); do stop "$pid"; done
    : > "$file"
}

# ---------------------------------------------------------------------------------------------
# The bench's own PostgreSQL cluster (BENCH_PG=own)

PG_DIR=        # the temporary directory: data/, the socket and the server log
PG_DATA=
PG_STARTED=
# as_pg <command…>: as the postgres OS user when run as root (initdb and postgres refuse root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
    local tool
    for tool in initdb pg_ctl; do [ -x "$PG_BIN/$tool" ] || die "$PG_BIN/$tool is missing (BENCH_PG_BIN)"; done
    if [ "$(id -u)" -eq 0 ]; then id postgres > /dev/null 2>&1 || die "no postgres user to run PostgreSQL as"; fi
    # The port asked for, unless someone listens on it.
    if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
        say "port $PGPORT is taken; the cluster takes a free one"
        PGPORT=$(free_port); export PGPORT
    fi
    PG_DIR=$(mktemp -d "${BENCH_PG_PARENT:-${TMPDIR:-/tmp}}/cakeday-bench-pg-$RUN_ID.XXXX")
    PG_DATA=$PG_DIR/data
    [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
    chmod 700 "$PG_DIR"
    printf '%s\n' "$PGPASSWORD" > "$PG_DIR/pwfile"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR/pwfile"
    say "database: initdb into $PG_DATA"
    # Password authentication over TCP, as in production; the socket (in $PG_DIR) only for its owner.
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$PG_DIR/pwfile" -A scram-sha-256 \
        --auth-local=peer -E UTF8 --locale=C.UTF-8 > "$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$PG_DIR/pwfile"
    { echo; echo "# ops/bench/run.sh (PG_CONF)"
      printf '%s\n' "${PG_CONF[@]}" "port = $PGPORT" "unix_socket_directories = '$PG_DIR'"
    } >> "$PG_DATA/postgresql.conf"
    PG_STARTED=1
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 120 start > /dev/null \
        || { tail -20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    say "database: PostgreSQL on 127.0.0.1:$PGPORT, autovacuum on, data in $PG_DATA"
}

# Stops the cluster (fast, then immediate, then SIGKILL to its postmaster) and removes its directory.
stop_cluster() {
    [ -n "$PG_DIR" ] || return 0
    if [ -n "$PG_STARTED" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        local pm; pm=$(head -1 "$PG_DATA/postmaster.pid")
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop > /dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop > /dev/null 2>&1 || true
        # Only a postmaster of this data directory is ever killed.
        if [ -n "$pm" ] && { tr '\0' ' ' < "/proc/$pm/cmdline"; } 2>/dev/null | grep -qF -- "$PG_DATA"; then
            kill -KILL "$pm" 2>/dev/null || true
        fi
    fi
    # The server log with the logs, when they are kept.
    [ ! -f "$PG_DIR/server.log" ] || [ ! -d "$WORK" ] || cp "$PG_DIR/server.log" "$WORK/postgresql.log" 2>/dev/null || true
    rm -rf "$PG_DIR"
    PG_DIR=
}

SCENARIO_PID=
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    if [ -n "$SCENARIO_PID" ] && kill -0 "$SCENARIO_PID" 2>/dev/null; then
        kill -TERM "$SCENARIO_PID" 2>/dev/null || true
    fi
    stop_all
    stop_all "$KEEP_PIDS"
    if [ "$PG_MODE" = external ]; then
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 \
            || say "could not drop database $DB; drop it by hand"
    fi
    if [ -n "$SCENARIO_PID" ]; then
        for ((i = 0; i < 100; i++)); do kill -0 "$SCENARIO_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    stop_cluster
    rm -f "$WORK/users.csv"
    if [ "$rc" -eq 0 ] && [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$WORK"; else say "logs kept in $WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# A port nobody listens on, below the ephemeral range (so that no outgoing connection holds it) and
# not handed out before in this run.
free_port() {
    local port low
    read -r low _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
    [ "$low" -gt 12000 ] || low=32768
    while :; do
        port=$((10000 + RANDOM % (low - 10000)))
        grep -qx "$port" "$WORK/ports" 2>/dev/null && continue
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
        echo "$port" >> "$WORK/ports"
        echo "$port"
        return
    done
}

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# The JVM of every run of the jar: the issue's heap limit and a GC log to read the peak heap from.
# Only ever run through `start` (it replaces the background subshell, so that its pid is the JVM's).
# APP_ARGS: arguments a scenario gives every run of the jar it starts (the log scenario's retention).
APP_ARGS=()
java_app() {
    local name=$1; shift
    exec java "-Xmx$HEAP" "-Xlog:gc:file=$WORK/$name.gc.log" -Dcakeday.bench="$RUN_ID" \
        ${CDS_OPTS[@]+"${CDS_OPTS[@]}"} ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"} -jar "$APP_JAR" "$@" \
        "--spring.datasource.url=$JDBC" "--spring.datasource.username=$PGUSER" \
        "--spring.datasource.password=$PGPASSWORD_APP" ${APP_ARGS[@]+"${APP_ARGS[@]}"} \
        ${SERVICE_ARGS[@]+"${SERVICE_ARGS[@]}"}
}

# Largest heap in use seen by the GC log (the size before each collection), in MB.
gc_peak_mb() {
    [ -f "$1" ] || { echo 0; return; }
    grep -oE '[0-9]+[KMG]->' "$1" | awk '
        { v = substr($0, 1, length($0) - 3); u = substr($0, length($0) - 2, 1)
          mb = (u == "K") ? v / 1024 : (u == "G") ? v * 1024 : v
          if (mb > max) max = mb }
        END { printf "%.0f\n", max }'
}

# Heap in use now, from the actuator, in MB.
heap_now_mb() {
    curl -sf "http://127.0.0.1:$1/actuator/prometheus" 2>/dev/null \
        | awk '/^jvm_memory_used_bytes\{.*area="heap"/ { s += $NF } END { printf "%.0f\n", s / 1048576 }'
}

# CPU time of a process so far, in ms; the machine's busy and total CPU ticks so far.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }

rss_peak_mb() { awk '/^VmHWM/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

max_of() { printf '%s\n' "$@" | sort -g | tail -1; }

# start_instance <name> <port> <extra args…>: one service instance; sets INSTANCE_PID.
start_instance() {
    local name=$1 port=$2; shift 2
    start "$WORK/$name.log" java_app "$name" "--server.port=$port" "--db-scheduler.scheduler-name=$name" "$@"
    INSTANCE_PID=$!
}

# wait_planned <name> <pid> <port> <timeout s>: until the start-up planning has run and readiness is UP.
wait_planned() {
    local name=$1 pid=$2 port=$3 deadline=$(($(date +%s) + $4))
    until grep -q 'Planned greetings due' "$WORK/$name.log" 2>/dev/null \
        && curl -sf "http://127.0.0.1:$port/actuator/health/readiness" > /dev/null; do
        kill -0 "$pid" 2>/dev/null || { tail -30 "$WORK/$name.log" >&2; die "$name exited during start-up"; }
        [ "$(date +%s)" -lt "$deadline" ] || { tail -30 "$WORK/$name.log" >&2; die "$name not ready in time"; }
        sleep 0.2
    done
}

# run_command <name> <args…>: runs `java -jar cakeday.jar <args…>` to its end; output in $WORK/<name>.log.
# Returns 0 when it ran, 3 when this jar has no such command (it started the service instead).
run_command() {
    local name=$1; shift
    local port; port=$(free_port)
    start "$WORK/$name.log" java_app "$name" "$@" "--server.port=$port" \
        "--cakeday.mail.base-url=http://127.0.0.1:$(free_port)" "--db-scheduler.scheduler-name=$name"
    local pid=$! deadline=$(($(date +%s) + 1800))
    while kill -0 "$pid" 2>/dev/null; do
        if curl -sf "http://127.0.0.1:$port/actuator/health/readiness" > /dev/null 2>&1; then
            stop "$pid"
            return 3
        fi
        [ "$(date +%s)" -lt "$deadline" ] || { stop "$pid"; die "$name: no end after 30 minutes"; }
        sleep 0.2
    done
    local rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || { tail -20 "$WORK/$name.log" >&2; die "$name exited with $rc"; }
}

# ---------------------------------------------------------------------------------------------
# Data

# migrate_schema <name>: one instance of the jar migrates the bench database (Flyway), then stops.
migrate_schema() {
    say "schema: starting one instance to migrate the schema"
    local port; port=$(free_port)
    start_instance "$1" "$port" "--cakeday.mail.base-url=http://127.0.0.1:$PROVIDER_PORT"
    wait_planned "$1" "$INSTANCE_PID" "$port" 180
    stop "$INSTANCE_PID"
}

# fresh_database <name>: drops the bench database (and its disk space), creates it again and migrates it.
fresh_database() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null
    psql -X -q -d postgres -c "CREATE DATABASE $DB" > /dev/null
    [ -z "$PGSS" ] || sql -c "CREATE EXTENSION pg_stat_statements"
    migrate_schema "$1"
}

# LOG_LAST_DAY: the last local date of a delivery log a scenario loaded and keeps (the log scenario);
# reset_data then leaves the log alone and deletes only the greetings written after that day.
LOG_LAST_DAY=
reset_data() {
    if [ -n "$LOG_LAST_DAY" ]; then
        sql -c "TRUNCATE users, user_occasions, scheduled_tasks, planner_state" \
            -c "DELETE FROM greetings WHERE local_date > DATE '$LOG_LAST_DAY'"
    else
        sql -c "TRUNCATE users, user_occasions, greetings, scheduled_tasks, planner_state"
    fi
}

# burst_users <count> <due epoch> [<zone> <email prefix>]: users whose birthday is the due instant's
# date (UTC), owed since the day before. In zone UTC their greeting falls due at that instant when
# send-time is its time of day; in Etc/GMT-1 (UTC+1), an hour earlier.
burst_users() {
    local count=$1 due=$2 zone=${3:-UTC} prefix=${4:-burst}
    sql -v count="$count" -v due="$due" -v zone="$zone" -v prefix="$prefix" <<'SQL'
WITH d AS (SELECT to_timestamp(:due) AS due),
new_users AS (
    INSERT INTO users (first_name, last_name, email, birthday, timezone, created_at, updated_at)
    SELECT 'Burst', 'User', :'prefix' || n || '@bench.example',
           make_date(CASE WHEN to_char(d.due AT TIME ZONE 'UTC', 'MMDD') = '0229' THEN 1992 ELSE 1990 END,
                     extract(month FROM d.due AT TIME ZONE 'UTC')::int, extract(day FROM d.due AT TIME ZONE 'UTC')::int),
           :'zone', d.due - interval '1 day', d.due - interval '1 day'
    FROM d, generate_series(1, :count) AS n
    RETURNING id, birthday, timezone, created_at)
INSERT INTO user_occasions (user_id, occasion, month_day, timezone, owed_since, owed_from)
SELECT id, 'BIRTHDAY', (extract(month FROM birthday) * 100 + extract(day FROM birthday))::smallint, timezone,
       created_at, (created_at AT TIME ZONE timezone)::date
FROM new_users;
SQL
}

# ---------------------------------------------------------------------------------------------
# Statistics and the report

values_of() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$RESULTS"; }
count_of() { values_of "$1" | wc -l; }
median_of() {
    values_of "$1" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
min_of() { values_of "$1" | sort -g | head -1; }
maxv_of() { values_of "$1" | sort -g | tail -1; }
fmt() { # fmt <decimals> <value>: 1234567.891 -> 1,234,567.9
    [ -n "$2" ] || { echo "—"; return; }
    LC_ALL=C printf "%.${1}f" "$2" 2>/dev/null | sed -E ':a; s/^(-?[0-9]+)([0-9]{3})/\1,\2/; ta' || echo "$2"
}

ROWS=$WORK/rows.tsv   # scenario, figure, median, spread, target, verdict
: > "$ROWS"

# row <scenario> <figure> <key> <decimals> <unit> [<op> <target> [<size note> [worst]]]
# The verdict compares the median with the target; with "worst", the worst run (errors, heap).
row() {
    local scenario=$1 figure=$2 key=$3 dec=$4 unit=$5 op=${6:-} target=${7:-} sizenote=${8:-} by=${9:-median}
    local n median spread verdict="—" target_text="—"
    n=$(count_of "$key")
    if [ "$n" -eq 0 ]; then
        median="not measured"; spread=""
    else
        median="$(fmt "$dec" "$(median_of "$key")") $unit"
        if [ "$n" -gt 1 ]; then spread="$(fmt "$dec" "$(min_of "$key")")–$(fmt "$dec" "$(maxv_of "$key")") ($n runs)"
        else spread="(1 run)"; fi
        [ "$key" != heap_max ] || spread="the largest of $(count_of heap_mb) runs of the jar"
    fi
    if [ -n "$op" ]; then
        local tdec=0 whole=${target%%.*}   # as many decimals as the target has
        [ "$whole" = "$target" ] || tdec=$(( ${#target} - ${#whole} - 1 ))
        target_text="$op $(fmt "$tdec" "$target") $unit"
        if [ "$n" -gt 0 ]; then
            local judged; judged=$(median_of "$key")
            [ "$by" != worst ] || judged=$(maxv_of "$key")
            if awk -v m="$judged" -v t="$target" -v op="$op" 'BEGIN {
                exit !((op == "≥" && m >= t) || (op == "≤" && m <= t) || (op == "=" && m == t)) }'; then
                verdict=met
            else
                verdict=missed
            fi
            [ -z "$sizenote" ] || verdict="$verdict*"
            if [ "$by" = worst ] && [ "$n" -ge 2 ]; then
                if [ "$verdict" = met ]; then verdict="met (every run)"; else verdict="missed (worst run)"; fi
            fi
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$figure" "$median" "$spread" "$target_text" "$verdict" >> "$ROWS"
}

# A size note when the run's size differs from the one the target was set for.
size_note() { [ "$1" = "$2" ] || echo "*"; }

print_table() {
    awk -F'\t' '
        { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; w = length($i); if (w > width[i]) width[i] = w } rows = NR }
        END {
            split("scenario|figure|median|spread (min–max)|target|", head, "|")
            for (i = 1; i <= 6; i++) if (length(head[i]) > width[i]) width[i] = length(head[i])
            for (i = 1; i <= 6; i++) printf "%-" width[i] + 2 "s", head[i]; printf "\n"
            for (r = 1; r <= rows; r++) { for (i = 1; i <= 6; i++) printf "%-" width[i] + 2 "s", cell[r, i]; printf "\n" }
        }' "$ROWS"
}

# The bursts side by side (BURSTS: key|title), medians: as markdown, or as text with "text".
BURST_FIGURES=("rate|greetings per second|0|/s" "share|share of the ceiling|0|%" "xacts|transactions per greeting|2|"
    "statements|statements per greeting|2|" "cpu_ms|instance CPU per greeting|2| ms" "db_cpu_ms|database CPU per greeting|2| ms"
    "first_s|first greeting after the due time|2| s" "p99_s|p99 lateness|2| s" "heap_mb|peak heap|0| MB")
bursts_table() {
    [ "${#BURSTS[@]}" -gt 0 ] || return 0
    local b f head="| per burst (median of $RUNS) |" rule="|---|" line v key suffix label dec unit
    for b in "${BURSTS[@]}"; do head+=" ${b#*|} |"; rule+="---:|"; done
    {
        echo "$head"; echo "$rule"
        for f in "${BURST_FIGURES[@]}"; do
            IFS='|' read -r suffix label dec unit <<< "$f"
            line="| $label |"
            for b in "${BURSTS[@]}"; do
                key=${b%%|*}
                v=$(median_of "$key.$suffix")
                if [ -n "$v" ]; then line+=" $(fmt "$dec" "$v")$unit |"; else line+=" — |"; fi
            done
            echo "$line"
        done
    } | if [ "${1:-}" = text ]; then
        grep -v '^|---' | awk -F'|' '
            { for (i = 2; i < NF; i++) { c = $i; gsub(/^ +| +$/, "", c); cell[NR, i] = c; if (length(c) > w[i]) w[i] = length(c) } rows = NR; n = NF }
            END { for (r = 1; r <= rows; r++) { for (i = 2; i < n; i++) printf "%-" w[i] + 2 "s", cell[r, i]; printf "\n" } }'
    else cat; fi
}

markdown_table() {
    echo "| Scenario | Figure | Median | Spread (min–max) | Target | |"
    echo "|---|---|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
}

# ---------------------------------------------------------------------------------------------
# Scenario 1: import

scenario_import() {
    say "import: generating $USERS_IMPORT users"
    java "$BENCH/SyntheticUsers.java" csv "$USERS_IMPORT" "$WORK/users.csv"
    local run t0 t1 imported
    for ((run = 1; run <= RUNS; run++)); do
        reset_data
        say "import: run $run of $RUNS"
        t0=$(now_ms)
        if ! run_command "import-$run" import "$WORK/users.csv"; then
            note "Import: not measured. This jar has no \`import\` command (it started the service instead)."
            return 0
        fi
        t1=$(now_ms)
        imported=$(sql -c "SELECT count(*) FROM users")
        tr '\r' '\n' < "$WORK/import-$run.log" | grep 'imported' | tail -1 > "$WORK/import-summary.txt" || true
        [ "$imported" -eq "$USERS_IMPORT" ] \
            || die "import run $run: $imported users in the database, $USERS_IMPORT in the file; see $WORK/import-$run.log"
        record import.seconds "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')"
        record import.rate "$(awk -v a="$t0" -v b="$t1" -v n="$USERS_IMPORT" 'BEGIN { print n / ((b - a) / 1000) }')"
        record import.heap_mb "$(gc_peak_mb "$WORK/import-$run.gc.log")"
        record heap_mb "$(gc_peak_mb "$WORK/import-$run.gc.log")"
    done
    note "Import: the time is the whole command, JVM start included. Its last line: $(cat "$WORK/import-summary.txt")"
}

# ---------------------------------------------------------------------------------------------
# Scenario 2: planning

zone_buckets() { # bench_zone_buckets, which load-users.sql draws the users' zones from, filled once
    [ "$(sql -c "SELECT to_regclass('bench_zone_buckets') IS NOT NULL")" = t ] && return
    java "$BENCH/SyntheticUsers.java" zones > "$WORK/zones.csv"
    sql <<SQL
CREATE UNLOGGED TABLE bench_zone_buckets (bucket int PRIMARY KEY, zone text NOT NULL);
CREATE TEMP TABLE zone_weights (ord serial, zone text, weight int);
\copy zone_weights (zone, weight) FROM '$WORK/zones.csv' WITH (FORMAT csv)
INSERT INTO bench_zone_buckets
SELECT b, (SELECT zone FROM (SELECT zone, sum(weight) OVER (ORDER BY ord) AS cum, sum(weight) OVER () AS total
                             FROM zone_weights) c
           WHERE c.cum * 10000.0 / c.total > b ORDER BY c.cum LIMIT 1)
FROM generate_series(0, 9999) AS b;
SQL
}

# load_plan_users <from> <to>: in chunks of 1M, with the tables' keys and indexes built afterwards; then
# vacuumed and analyzed, as autovacuum would leave them, and so that it does not start during the runs.
load_plan_users() {
    local from=$1 to=$2 chunk_end
    sql -v tables=users,user_occasions -f "$BENCH/drop-keys.sql"
    while [ "$from" -le "$to" ]; do
        chunk_end=$((from + 999999)); [ "$chunk_end" -le "$to" ] || chunk_end=$to
        sql -v from="$from" -v to="$chunk_end" -f "$BENCH/load-users.sql"
        say "loaded users up to $chunk_end"
        from=$((chunk_end + 1))
    done
    sql -v tables=users,user_occasions -f "$BENCH/restore-keys.sql"
    say "built the keys and indexes of users and user_occasions"
    sql -c "VACUUM (ANALYZE) users, user_occasions"
}

# plan_runs <key> <tag> <tables>: `plan --explain` into $WORK/explain-<tag>.txt, then RUNS planning runs
# over the users loaded, recorded as <key>.seconds, <key>.rows and <key>.users_scans; <tables> (the
# queue and the planner's state, and the log unless a scenario keeps one) are emptied before each.
PLAN_HOW="\`plan\` command"
plan_runs() {
    local key=$1 tag=$2 empty=$3 run line rows ms
    sql -c "TRUNCATE $empty"
    if run_command "plan-explain-$tag" plan --explain; then
        grep -vE '^\s*$|^[0-9-]+T[0-9:.]+Z? +(WARN|INFO)' "$WORK/plan-explain-$tag.log" > "$WORK/explain-$tag.txt" || true
        if [ ! -s "$WORK/explain-$tag.txt" ]; then
            record "$key.users_scans" 1
        elif grep -qE ' on users( |$)' "$WORK/explain-$tag.txt"; then
            record "$key.users_scans" "$(grep -cE ' on users( |$)' "$WORK/explain-$tag.txt")"
        else
            record "$key.users_scans" 0
        fi
    else
        : > "$WORK/explain-$tag.txt"
    fi
    for ((run = 1; run <= RUNS; run++)); do
        sql -c "TRUNCATE $empty"
        say "plan ($tag): run $run of $RUNS"
        if run_command "plan-$tag-$run" plan; then
            line=$(grep -hE 'planned [0-9,]+ greetings in [0-9]+ ms|rows created' "$WORK/plan-$tag-$run.log" | tail -1)
        else
            # An older jar: the service's own start-up planning run is the same full run.
            PLAN_HOW="start-up planning run (this jar has no \`plan\` command)"
            line=$(grep -h 'Planned greetings due' "$WORK/plan-$tag-$run.log" | head -1)
        fi
        [ -n "$line" ] || die "plan run: no result line in $WORK/plan-$tag-$run.log"
        rows=$(sed -nE 's/.*planned ([0-9,]+) greetings.*/\1/p; s/.*: ([0-9,]+) rows created.*/\1/p' <<< "$line" | tr -d ,)
        ms=$(sed -nE 's/.* in ([0-9,]+) ms.*/\1/p' <<< "$line" | tr -d ,)
        record "$key.seconds" "$(awk -v ms="$ms" 'BEGIN { print ms / 1000 }')"
        record "$key.rows" "$rows"
        record heap_mb "$(gc_peak_mb "$WORK/plan-$tag-$run.gc.log")"
    done
}

scenario_plan() {
    reset_data
    zone_buckets
    local loaded=0 size t0 t1
    for size in $(printf '%s\n' "${PLAN_SIZES[@]}" | sort -n); do
        say "plan: loading users $((loaded + 1)) .. $size"
        t0=$(now_ms)
        load_plan_users $((loaded + 1)) "$size"
        t1=$(now_ms)
        loaded=$size
        record "plan.$size.prep_s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }')"
        note "Planning, $(fmt 0 "$size") users: loading them by SQL took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1000 }') s (not measured as a figure)."
        plan_runs "plan.$size" "$size" "scheduled_tasks, planner_state, greetings"
    done
    note "Planning: the time is the planning run alone, as the jar reports it; measured with the $PLAN_HOW."
    sql -c "TRUNCATE users, user_occasions, scheduled_tasks, planner_state, greetings; DROP TABLE bench_zone_buckets"
}

# ---------------------------------------------------------------------------------------------
# Scenarios 3 and 4: bursts

PROVIDER_PORT=
start_provider() {
    PROVIDER_PORT=$(free_port)
    # TCP_NODELAY: without it the JDK's HttpServer answers keep-alive calls ~40 ms late (Nagle and
    # delayed ACKs), which would cap a 0 ms provider near 1,000 calls/s at 48 connections.
    PIDFILE=$KEEP_PIDS start "$WORK/provider.log" java -Dsun.net.httpserver.nodelay=true -Dcakeday.bench="$RUN_ID" -Xmx512m \
        ops/fake-provider/FakeProvider.java "--port=$PROVIDER_PORT"
    local pid=$! i
    for ((i = 0; i < 300; i++)); do
        curl -sf "http://127.0.0.1:$PROVIDER_PORT/stats" > /dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/provider.log" >&2
    die "the fake provider did not start"
}

provider() { curl -sf -X POST "http://127.0.0.1:$PROVIDER_PORT/$1" > /dev/null; }
provider_delivered() {
    local n; n=$(curl -sf "http://127.0.0.1:$PROVIDER_PORT/stats" | sed -nE 's/.*"delivered":([0-9]+).*/\1/p') || true
    echo "${n:-0}"
}

declare -A STARTUP_S=()   # instances -> seconds the last start-up took, to choose the due time

# The database's counters so far, in one query (one connection, one transaction, one statement), so that
# the readings at the start of a burst take little time: WAL written by the whole cluster in bytes
# (PostgreSQL 14+), transactions of the bench database, its statements (pg_stat_statements, top level,
# BEGIN and COMMIT not counted; 0 without it) and the autovacuum and autoanalyze runs on its tables.
db_readings() {
    local stmts=0
    [ -z "$PGSS" ] || stmts="(SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()))"
    sql -F ' ' -c "SELECT (SELECT wal_bytes FROM pg_stat_wal),
        (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()), $stmts,
        (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables)"
}
# CPU time of the whole PostgreSQL server so far, in ms: the postmaster's own, that of the backends it
# has reaped (cutime, cstime) and that of those still running.
DATA_DIR=   # the server's data directory, when this user may ask for it
db_cpu_ms() {
    local pm; pm=$(head -1 "$DATA_DIR/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
      for c in $(pgrep -P "$pm"); do awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null; done
    } | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 } END { print t * 1000 / hz }'
}
# top_statements <greetings>: the statements since the last reset by total time, as markdown rows.
top_statements() {
    sql -F $'\t' -c "
        SELECT to_char(calls::numeric / $1, 'FM999990.00'), to_char(mean_exec_time, 'FM999990.000'),
               to_char(total_exec_time, 'FM9999990'), replace(left(regexp_replace(query, '\s+', ' ', 'g'), 200), '|', '\|')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 12" \
        | awk -F'\t' '{ printf "| %s | %s ms | %s ms | `%s` |\n", $1, $2, $3, $4 }'
}
# Samples the connections to the bench database every 0.2 s into $1 until killed.
sample_connections() {
    while :; do sql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()" >> "$1" || true; sleep 0.2; done
}

# burst_run <instances> <latency ms> <run> [cold]: records burst.<instances>x<latency>.* (warmed) or
# burst.cold.<instances>x<latency>.* (cold).
# Warmed: the instances first send WARMUP greetings that were due an hour before (so that the JIT has
# compiled the delivery path, as in an instance that has run for a while), then the burst falls due.
# HotSpot compiles a method with C2 after about 15,000 calls: with 2,000 greetings of warm-up the burst
# ran on C1's profiling code and paid for C2 compiling beside it (746/s and 1.51 ms of CPU per greeting,
# against 1,210/s and 0.74 ms in one run after 20,000, same jar and machine).
# Cold: the instances start COLD_LEAD seconds before the due time and send nothing before the burst.
# BURST_TAG (the log scenario's): before the keys and the instances' names, to tell its bursts apart.
# BURST_ANALYZE: what is analysed once the instances have planned and warmed up.
BURST_TAG=
BURST_ANALYZE="scheduled_tasks, greetings"
burst_run() {
    local k=$1 latency=$2 run=$3 cold=${4:-} i attempt key warmup=$WARMUP
    key="${BURST_TAG:+$BURST_TAG.}burst.$1x$2"
    [ -z "$cold" ] || { key="${BURST_TAG:+$BURST_TAG.}burst.cold.$1x$2"; warmup=0; }
    local names=() ports=() pids=() due margin send_time t0 ready
    for attempt in 1 2; do
        if [ -n "$cold" ]; then
            # Due COLD_LEAD s after the instances start: loading the users first (about 5,000 a second,
            # counted generously), then waiting for the start.
            margin=$(( COLD_LEAD + 3 + BURST / 2000 ))
        else
            # Due far enough ahead for the instances to start, plan and warm up first (as long as that took
            # last time), then to sit idle for 12 s: the warm-up's idle connections report their statistics
            # to pg_stat_database within 10 s, and must do so before the burst's count starts.
            margin=$(( ${STARTUP_S[$k]:-$((12 + 8 * k + warmup / 500))} + 12 ))
        fi
        due=$(( $(date +%s) + margin ))
        send_time=$(date -u -d "@$due" +%H:%M:%S)
        reset_data
        burst_users "$BURST" "$due"
        [ "$warmup" -eq 0 ] || burst_users "$warmup" "$due" Etc/GMT-1 warmup
        # Every table the bench loads is analysed before it is measured.
        sql -c "ANALYZE users, user_occasions"
        provider reset
        provider "config?minLatencyMs=0&maxLatencyMs=0&failRate=0&hangRate=0&tooManyRate=0&maintenance=false"
        if [ -n "$cold" ]; then
            [ "$(date +%s)" -lt $((due - COLD_LEAD)) ] || note "Cold burst run $run: loading the users took longer than planned; the instance started less than $COLD_LEAD s before the due time."
            while [ "$(date +%s)" -lt $((due - COLD_LEAD)) ]; do sleep 0.1; done
        fi
        say "burst${cold:+ (cold)}: $k instance(s), provider $latency ms, run $run of $RUNS: $BURST greetings due at $send_time UTC"
        names=() ports=() pids=()
        t0=$(now_ms)
        for ((i = 1; i <= k; i++)); do
            names+=("${BURST_TAG:+${BURST_TAG//./-}-}burst${cold:+-cold}-$k-$latency-$run-$i-$attempt"); ports+=("$(free_port)")
            start_instance "${names[-1]}" "${ports[-1]}" "--cakeday.mail.base-url=http://127.0.0.1:$PROVIDER_PORT" \
                "--cakeday.greeting.send-time=$send_time"
            pids+=("$INSTANCE_PID")
        done
        for ((i = 0; i < k; i++)); do wait_planned "${names[$i]}" "${pids[$i]}" "${ports[$i]}" $((margin + 180)); done
        ready=$(( $(now_ms) - t0 ))
        while [ "$(provider_delivered)" -lt "$warmup" ] && [ "$(date +%s)" -lt $((due + 120)) ]; do sleep 0.2; done
        [ -n "$cold" ] || STARTUP_S[$k]=$(( ($(now_ms) - t0) / 1000 ))
        if [ -n "$cold" ]; then say "burst: start-up and planning took $((ready / 1000)) s; started $(( due - t0 / 1000 )) s before the due time"
        else say "burst: start-up, planning and warm-up took ${STARTUP_S[$k]} s"; fi
        [ "$(date +%s)" -ge $((due - 2)) ] || break
        for ((i = 0; i < k; i++)); do stop "${pids[$i]}"; done
        if [ -n "$cold" ]; then
            # A busy machine: once more, with the same lead (a cold burst is one an instance meets soon after it starts).
            [ "$attempt" -lt 2 ] || die "burst (cold): the instances took longer than BENCH_COLD_LEAD ($COLD_LEAD s) to start, twice"
            say "burst (cold): the instances took $((ready / 1000)) s to start, more than BENCH_COLD_LEAD ($COLD_LEAD s); again"
            note "Cold burst ${latency} ms run $run: the first instance took $((ready / 1000)) s to start, more than the lead of $COLD_LEAD s; run again."
            continue
        fi
        [ "$attempt" -lt 2 ] || die "burst: the instances were not ready before the due time, twice"
        STARTUP_S[$k]=$(( STARTUP_S[$k] * 2 ))
        say "burst: start-up and warm-up took longer than the margin; again, with a longer one"
    done
    record "$key.ready_s" "$(awk -v ms="$ready" 'BEGIN { print ms / 1000 }')"
    record "$key.lead_s" "$(awk -v d="$due" -v t="$t0" 'BEGIN { print d - t / 1000 }')"
    # The rows the instances planned, and the log the warm-up wrote, analysed too (autovacuum would).
    sql -c "ANALYZE $BURST_ANALYZE"
    # The burst's and the warm-up's greetings all fall on this local date (each in its own zone): the
    # queries of the log below say so, which keeps them to that day in a log of years.
    local day; day=$(date -u -d "@$due" +%F)
    # The burst's own provider latency, and counts from zero.
    provider reset
    provider "config?minLatencyMs=$latency&maxLatencyMs=$latency"
    local planned; planned=$(sql -c "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting' AND execution_time = to_timestamp($due)")
    [ "$planned" -eq "$BURST" ] || die "burst: $planned rows planned for $BURST users"
    # The statements listed in the report are those from here on (the idle polls until the due time too).
    [ -z "$PGSS" ] || sql -c "SELECT pg_stat_statements_reset(0, oid, 0) FROM pg_database WHERE datname = current_database()" > /dev/null
    # Count from just before the due time (the idle polls before it are not the burst's): the database's
    # counters in one query, then the processes' CPU. The reading is one of the span's transactions and
    # statements (own, below: the bench's own queries in the span, taken off).
    while [ "$(date +%s)" -lt $((due - 2)) ]; do sleep 0.1; done
    local wal_before before stmts_before av_before db_cpu_before
    read -r wal_before before stmts_before av_before <<< "$(db_readings)"
    db_cpu_before=$(db_cpu_ms)
    local own=1 cpu_before=0 busy0 total0 busy1 total1
    for ((i = 0; i < k; i++)); do cpu_before=$(awk -v a="$cpu_before" -v b="$(cpu_ms "${pids[$i]}")" 'BEGIN { print a + b }'); done
    read -r busy0 total0 < <(machine_ticks)
    [ "$(now_ms)" -lt $((due * 1000)) ] || note "Burst${cold:+ (cold)} $k×${latency} ms run $run: the readings at its start ended $(( $(now_ms) - due * 1000 )) ms after the due time (a busy machine); its per-greeting figures miss the greetings sent before."
    : > "$WORK/$key.$run.connections"
    sample_connections "$WORK/$key.$run.connections" & local sampler=$!
    # Wait for the provider to have every greeting, then for the log to say SENT (few queries, counted).
    local deadline=$(( due + 120 + BURST * (latency + 10) / 1000 / 2 ))
    while [ "$(provider_delivered)" -lt "$BURST" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || die "burst: only $(provider_delivered) of $BURST delivered in time"
        sleep 0.2
    done
    read -r busy1 total1 < <(machine_ticks)
    local cpu_after=0
    for ((i = 0; i < k; i++)); do cpu_after=$(awk -v a="$cpu_after" -v b="$(cpu_ms "${pids[$i]}")" 'BEGIN { print a + b }'); done
    local sent=0
    while :; do
        sent=$(sql -c "SELECT count(*) FROM greetings WHERE local_date = DATE '$day' AND status = 'SENT'
                       AND due_at = to_timestamp($due)"); own=$((own + 1))
        [ "$sent" -lt "$BURST" ] || break
        [ "$(date +%s)" -lt "$deadline" ] || die "burst: only $sent of $BURST recorded SENT in time"
        sleep 0.5
    done
    # The rows' deletions follow the SENT commits: wait for the queue to be empty.
    while [ "$(sql -c "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'greeting'")" -gt 0 ]; do
        own=$((own + 1)); [ "$(date +%s)" -lt "$deadline" ] || die "burst: rows left in scheduled_tasks"; sleep 0.2
    done
    own=$((own + 1))
    local heap=0 rss=0
    for ((i = 0; i < k; i++)); do
        heap=$(max_of "$heap" "$(heap_now_mb "${ports[$i]}")")
        rss=$(max_of "$rss" "$(rss_peak_mb "${pids[$i]}")")
    done
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    local samples; samples=$(wc -l < "$WORK/$key.$run.connections")
    own=$((own + samples))
    for ((i = 0; i < k; i++)); do stop "${pids[$i]}"; done
    sleep 1   # the closed sessions' statistics reach pg_stat_database as their backends exit
    for ((i = 0; i < k; i++)); do heap=$(max_of "$heap" "$(gc_peak_mb "$WORK/${names[$i]}.gc.log")"); done
    local wal_after after stmts_after av_after db_cpu_after
    read -r wal_after after stmts_after av_after <<< "$(db_readings)"
    db_cpu_after=$(db_cpu_ms)
    if [ -n "$PGSS" ]; then
        record "$key.statements" "$(awk -v a="$stmts_before" -v b="$stmts_after" -v o="$own" -v n="$BURST" 'BEGIN { print (b - a - o) / n }')"
        top_statements "$BURST" > "$WORK/$key.$run.statements.md"
    fi
    record "$key.autovacuum" $((av_after - av_before))
    record "$key.wal_bytes" "$(awk -v a="$wal_before" -v b="$wal_after" -v n="$BURST" 'BEGIN { print (b - a) / n }')"
    # 0: the server's processes cannot be read from here (a remote server, or a data directory this
    # user may not read): nothing is recorded.
    [ "$db_cpu_after" = 0 ] || record "$key.db_cpu_ms" "$(awk -v a="$db_cpu_before" -v b="$db_cpu_after" -v n="$BURST" 'BEGIN { print (b - a) / n }')"
    record "$key.connections" "$(sort -n "$WORK/$key.$run.connections" | tail -1)"
    local stats; stats=$(sql -F ' ' -c "
        SELECT extract(epoch FROM max(sent_at) - to_timestamp($due)),
               extract(epoch FROM min(sent_at) - to_timestamp($due)),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - due_at)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - due_at)),
               (SELECT count(*) FROM greetings WHERE local_date = DATE '$day' AND status = 'SENT' AND sent_at < due_at),
               (SELECT count(*) FROM greetings WHERE local_date = DATE '$day' AND status <> 'SENT')
        FROM greetings WHERE local_date = DATE '$day' AND status = 'SENT' AND due_at = to_timestamp($due)")
    local drain first p50 p99 early unsent
    read -r drain first p50 p99 early unsent <<< "$stats"
    [ "$early" -eq 0 ] || note "Burst${cold:+ (cold)} $k×${latency} ms run $run: $early greetings went out EARLY."
    [ "$unsent" -eq 0 ] || note "Burst${cold:+ (cold)} $k×${latency} ms run $run: $unsent greetings ended other than SENT."
    record "$key.drain_s" "$drain"
    record "$key.first_s" "$first"
    record "$key.rate" "$(awk -v n="$BURST" -v d="$drain" 'BEGIN { print n / d }')"
    record "$key.p50_s" "$p50"
    record "$key.p99_s" "$p99"
    record "$key.xacts" "$(awk -v a="$before" -v b="$after" -v o="$own" -v n="$BURST" 'BEGIN { print (b - a - o) / n }')"
    record "$key.cpu_ms" "$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$BURST" 'BEGIN { print (b - a) / n }')"
    record "$key.busy_pct" "$(awk -v b0="$busy0" -v t0="$total0" -v b1="$busy1" -v t1="$total1" 'BEGIN { print 100 * (b1 - b0) / (t1 - t0) }')"
    record "$key.rss_mb" "$rss"
    record "$key.heap_mb" "$heap"
    record heap_mb "$heap"
    say "burst: drained in ${drain} s, first greeting ${first} s after the due time, p99 lateness ${p99} s"
}

scenario_burst() {
    local latency run
    for latency in $LATENCIES; do
        for ((run = 1; run <= RUNS; run++)); do burst_run 1 "$latency" "$run"; done
    done
}

scenario_cold() {
    local latency run
    for latency in $COLD_LATENCIES; do
        for ((run = 1; run <= RUNS; run++)); do burst_run 1 "$latency" "$run" cold; done
    done
}

scenario_scale() {
    local k run
    for k in $SCALE_INSTANCES; do
        [ "$(count_of "burst.${k}x$SCALE_LATENCY.rate")" -ge "$RUNS" ] && continue   # the burst scenario ran it
        for ((run = 1; run <= RUNS; run++)); do burst_run "$k" "$SCALE_LATENCY" "$run"; done
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario 6: the ceiling

scenario_ceiling() {
    local run per_client=$(( (BURST + CEILING_CLIENTS - 1) / CEILING_CLIENTS )) due tps sent
    for ((run = 1; run <= RUNS; run++)); do
        reset_data
        due=$(( $(date +%s) - 60 ))
        burst_users "$BURST" "$due"
        sql -c "INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                SELECT 'greeting', user_id || ':BIRTHDAY:' || to_char(to_timestamp($due) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                       to_timestamp($due), false, 1
                FROM user_occasions ORDER BY 2"
        sql -c "ANALYZE users, user_occasions, scheduled_tasks, greetings"
        say "ceiling: pgbench, $CEILING_CLIENTS clients, run $run of $RUNS"
        start "$WORK/pgbench-$run.log" pgbench -n -M prepared -c "$CEILING_CLIENTS" -j 2 -t "$per_client" \
            -f "$BENCH/greeting-work.pgbench" "$DB"
        local pid=$!
        wait "$pid" || { cat "$WORK/pgbench-$run.log" >&2; die "pgbench failed"; }
        tps=$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p' "$WORK/pgbench-$run.log")
        sent=$(sql -c "SELECT count(*) FROM greetings WHERE status = 'SENT'")
        [ "$sent" -gt 0 ] || die "pgbench recorded nothing SENT; see $WORK/pgbench-$run.log"
        # tps counts scripts run; a few may find no row left to claim: count greetings only.
        record ceiling.rate "$(awk -v t="$tps" -v s="$sent" -v n="$((per_client * CEILING_CLIENTS))" 'BEGIN { print t * s / n }')"
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario 5: the API

wrk_run() { # wrk_run <key> <log> <wrk args…>
    local key=$1 log=$2; shift 2
    start "$log" wrk -t2 "-c$API_CONCURRENCY" "-d${API_SECONDS}s" --latency "$@"
    local pid=$!
    wait "$pid" || { cat "$log" >&2; die "wrk failed"; }
    local line; line=$(grep '^BENCH ' "$log" | tail -1)
    [ -n "$line" ] || { cat "$log" >&2; die "wrk printed no result"; }
    local f
    for f in rps p50_ms p99_ms errors; do
        record "$key.$f" "$(sed -nE "s/.* $f=([0-9.]+).*/\1/p" <<< "$line")"
    done
}

scenario_api() {
    if ! command -v wrk > /dev/null; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
            say "api: installing wrk"
            apt-get install -y -q wrk > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "could not install wrk"; }
        else
            die "wrk is missing: apt-get install wrk"
        fi
    fi
    local size
    for size in "${API_SIZES[@]}"; do
        api_at "$size"
    done
}

api_at() { # api_at <users>: POST and GET runs against one instance, with <users> loaded by SQL before
    local size=$1 run
    reset_data
    if [ "$size" -gt 0 ]; then
        say "api: loading $size users"
        zone_buckets
        load_plan_users 1 "$size"
    fi
    provider "config?minLatencyMs=0&maxLatencyMs=0&failRate=0&hangRate=0&tooManyRate=0&maintenance=false"
    local port; port=$(free_port)
    start_instance "api-$size" "$port" "--cakeday.mail.base-url=http://127.0.0.1:$PROVIDER_PORT"
    local pid=$INSTANCE_PID
    wait_planned "api-$size" "$pid" "$port" 300
    # A short warm-up of each endpoint first (JIT, connection pool), not recorded.
    local warmup=$(( API_SECONDS < 10 ? API_SECONDS : 10 ))
    say "api at $size users: warming up for $warmup s"
    start "$WORK/wrk-warmup-$size.log" wrk -t2 "-c$API_CONCURRENCY" "-d${warmup}s" -s "$BENCH/post-user.lua" \
        "http://127.0.0.1:$port/user" -- "$RUN_ID-$size-warmup"
    wait $! || { cat "$WORK/wrk-warmup-$size.log" >&2; die "wrk failed"; }
    for ((run = 1; run <= RUNS; run++)); do
        say "api at $size users: POST /user, run $run of $RUNS"
        wrk_run "api.$size.post" "$WORK/wrk-post-$size-$run.log" -s "$BENCH/post-user.lua" \
            "http://127.0.0.1:$port/user" -- "$RUN_ID-$size-$run"
    done
    # The users POST created are analysed before GET reads them, as every table a benchmark loads.
    sql -c "ANALYZE users, user_occasions, scheduled_tasks, greetings"
    # Read at random among all users, those loaded and those POST created.
    sql -c "SELECT id FROM users ORDER BY random() LIMIT 20000" > "$WORK/ids-$RUN_ID.txt"
    [ -s "$WORK/ids-$RUN_ID.txt" ] || die "api: no users to read"
    start "$WORK/wrk-warmup-get-$size.log" wrk -t2 "-c$API_CONCURRENCY" "-d${warmup}s" -s "$BENCH/get-user.lua" \
        "http://127.0.0.1:$port" -- "$WORK/ids-$RUN_ID.txt"
    wait $! || { cat "$WORK/wrk-warmup-get-$size.log" >&2; die "wrk failed"; }
    for ((run = 1; run <= RUNS; run++)); do
        say "api at $size users: GET /user/{id}, run $run of $RUNS"
        wrk_run "api.$size.get" "$WORK/wrk-get-$size-$run.log" -s "$BENCH/get-user.lua" \
            "http://127.0.0.1:$port" -- "$WORK/ids-$RUN_ID.txt"
    done
    local heap; heap=$(heap_now_mb "$port")
    record "api.$size.rss_mb" "$(rss_peak_mb "$pid")"
    stop "$pid"
    heap=$(max_of "$heap" "$(gc_peak_mb "$WORK/api-$size.gc.log")")
    record "api.$size.heap_mb" "$heap"
    record heap_mb "$heap"
}

# ---------------------------------------------------------------------------------------------
# Scenario 7: the delivery log at size

secs() { awk -v a="$1" -v b="$2" 'BEGIN { print (b - a) / 1000 }'; }   # secs <t0 ms> <t1 ms>

# LogMaintenance.MARGIN_DAYS: a month goes when its last day is older than the retention by this too.
LOG_MARGIN_DAYS=2

# The log's size in GiB: its table (heap, TOAST, maps) and its indexes, summed over the months of a
# partitioned log (the parent has no storage of its own).
log_size() {
    sql -F ' ' -c "SELECT sum(pg_table_size(c.oid)) / 1073741824.0, sum(pg_indexes_size(c.oid)) / 1073741824.0
        FROM pg_class c
        WHERE c.oid = CAST('greetings' AS regclass)
           OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = CAST('greetings' AS regclass))"
}

# load_log <layout> <first day>: LOG_ROWS rows over the days from <first day> to LOG_LAST_DAY
# (load-log.sql), a month per statement, as many sessions at once as there are cores, into a log
# without its key and indexes (drop-keys.sql), which are built afterwards on the parent (restore-keys.sql,
# so on every month, under the same names); then VACUUM (ANALYZE), as autovacuum would leave it.
# partitioned: the months are created first (greetings_add_month), so that no row lands in the default
# partition. unpartitioned: the log becomes one plain table with the same columns, defaults and CHECKs,
# and the same key and indexes once they are built.
load_log() {
    local layout=$1 first=$2 days own_from sessions s pids=() pid
    days=$(sql -c "SELECT DATE '$LOG_LAST_DAY' - DATE '$first' + 1")
    [ $(( (LOG_ROWS + days - 1) / days )) -le "$LOG_USERS" ] \
        || die "log: $LOG_ROWS rows over $days days are more a day than BENCH_LOG_USERS ($LOG_USERS): a user would have two on a day"
    # The planning window reaches 3 days back (max-lateness), and local dates run up to a day ahead of UTC.
    own_from=$(sql -c "SELECT DATE '$LOG_LAST_DAY' - 3")
    sql -v tables=greetings -f "$BENCH/drop-keys.sql"
    if [ "$layout" = partitioned ]; then
        sql -c "SELECT greetings_add_month(CAST(m AS date))
                FROM generate_series(date_trunc('month', DATE '$first'), DATE '$LOG_LAST_DAY', interval '1 month') AS m" > /dev/null
    else
        sql <<'SQL'
-- The log as it was before V7: one table (its key and indexes come after the load, as drop-keys.sql saved them).
CREATE TABLE greetings_plain (LIKE greetings INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE);
DROP TABLE greetings;
ALTER TABLE greetings_plain RENAME TO greetings;
-- V6's settings of the log, which V7 gives each month.
ALTER TABLE greetings SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05,
                           autovacuum_analyze_scale_factor = 0.02);
SQL
    fi
    # The months, as day numbers from <first day>: the first and the last of each.
    sql -F ' ' -c "SELECT greatest(CAST(m AS date), DATE '$first') - DATE '$first',
                          least(CAST(m + interval '1 month' AS date) - 1, DATE '$LOG_LAST_DAY') - DATE '$first'
                   FROM generate_series(date_trunc('month', DATE '$first'), DATE '$LOG_LAST_DAY', interval '1 month') AS m" \
        > "$WORK/log-months"
    sessions=$(nproc)
    say "log: loading $LOG_ROWS rows over $days days ($first .. $LOG_LAST_DAY), $(wc -l < "$WORK/log-months") months, $sessions sessions at once"
    for ((s = 0; s < sessions; s++)); do
        awk -v s="$s" -v n="$sessions" '(NR - 1) % n == s' "$WORK/log-months" | while read -r i0 i1; do
            sql -v first_day="$first" -v own_from="$own_from" -v i0="$i0" -v i1="$i1" -v rows="$LOG_ROWS" \
                -v days="$days" -v users="$LOG_USERS" -f "$BENCH/load-log.sql" || exit 1
        done &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do wait "$pid" || die "log: loading the rows failed"; done
    say "log: building the key and indexes"
    sql -v tables=greetings -f "$BENCH/restore-keys.sql"
    say "log: VACUUM (ANALYZE)"
    sql -c "VACUUM (ANALYZE) greetings"
}

# log_month <first day> <n>: the first day of the n-th month of the log (0: the oldest, that of <first day>).
log_month() { sql -c "SELECT CAST(date_trunc('month', DATE '$1') + interval '$2 months' AS date)"; }

# log_retention_to <next>: the retention in days that expires the months before <next> (a month's first
# day) and no later one: with it, every day before <next> is past retention by the margin, <next> is not.
log_retention_to() { sql -c "SELECT CAST(now() AT TIME ZONE 'UTC' AS date) - DATE '$1' - $LOG_MARGIN_DAYS"; }

# maintain_log <name> <retention days> <month YYYY-MM> [<archive dir>]: one `maintain-log` with that
# retention (the only runs of the jar without retention 0), which must drop exactly <month>. Sets
# MAINTAIN_S, the time it reports.
MAINTAIN_S=
maintain_log() {
    local APP_ARGS=("--cakeday.log.retention=$2d") line dropped
    [ -z "${4:-}" ] || APP_ARGS+=("--cakeday.log.archive-dir=$4")
    run_command "$1" maintain-log || die "$1: this jar has no maintain-log command"
    line=$(grep -E '^months added .* in [0-9]+ ms' "$WORK/$1.log" | tail -1)
    [ -n "$line" ] || die "$1: no result line in $WORK/$1.log"
    dropped=$(sed -nE 's/.*months dropped \[([^]]*)\].*/\1/p' <<< "$line")
    [ "$dropped" = "$3" ] || die "$1: it dropped [$dropped], not [$3]: $line"
    MAINTAIN_S=$(sed -nE 's/.* in ([0-9]+) ms$/\1/p' <<< "$line" | awk '{ print $1 / 1000 }')
}

wal_bytes() { sql -c "SELECT wal_bytes FROM pg_stat_wal"; }

# log_drop <layout> <month> <run>: the retention drop of one month, timed. partitioned: `maintain-log`
# with the retention that expires that month and no later one; unpartitioned: the DELETE of its rows,
# then the VACUUM that DELETE leaves to do, timed apart.
log_drop() {
    local layout=$1 month=$2 run=$3 key=log.$1 next rows wal0 t0 t1 t2
    next=$(log_month "$month" 1)
    rows=$(sql -c "SELECT count(*) FROM greetings WHERE local_date >= DATE '$month' AND local_date < DATE '$next'")
    [ "$rows" -gt 0 ] || die "log ($layout): the month of $month has no rows to drop"
    record "$key.drop_month" "${month:0:7}"
    record "$key.drop_rows" "$rows"
    wal0=$(wal_bytes)
    if [ "$layout" = partitioned ]; then
        local retention; retention=$(log_retention_to "$next")
        say "log ($layout): maintain-log --cakeday.log.retention=${retention}d drops ${month:0:7} ($rows rows)"
        t0=$(now_ms)
        maintain_log "log-drop-$layout-$run" "$retention" "${month:0:7}"
        t1=$(now_ms)
        record "$key.drop_cmd_s" "$MAINTAIN_S"
    else
        say "log ($layout): DELETE of ${month:0:7} ($rows rows), then VACUUM"
        t0=$(now_ms)
        sql -c "DELETE FROM greetings WHERE local_date >= DATE '$month' AND local_date < DATE '$next'"
        t1=$(now_ms)
        sql -c "VACUUM greetings"
        t2=$(now_ms)
        record "$key.vacuum_s" "$(secs "$t1" "$t2")"
    fi
    record "$key.drop_s" "$(secs "$t0" "$t1")"
    record "$key.drop_wal_mib" "$(awk -v a="$wal0" -v b="$(wal_bytes)" 'BEGIN { print (b - a) / 1048576 }')"
}

# log_archive <layout> <month> <run>: the archive of one month as gzip CSV, timed. partitioned:
# `maintain-log` with an archive directory and the retention that expires that month (it archives,
# then drops it); unpartitioned: the same COPY as LogMaintenance's into gzip (the rows stay).
log_archive() {
    local layout=$1 month=$2 run=$3 key=log.$1 next rows dir file t0 t1 archived
    next=$(log_month "$month" 1)
    rows=$(sql -c "SELECT count(*) FROM greetings WHERE local_date >= DATE '$month' AND local_date < DATE '$next'")
    [ "$rows" -gt 0 ] || die "log ($layout): the month of $month has no rows to archive"
    dir=$WORK/archive-$layout-$run
    mkdir -p "$dir"
    file=$dir/greetings-${month:0:7}.csv.gz
    if [ "$layout" = partitioned ]; then
        local retention; retention=$(log_retention_to "$next")
        say "log ($layout): maintain-log --cakeday.log.retention=${retention}d --cakeday.log.archive-dir=$dir archives and drops ${month:0:7} ($rows rows)"
        t0=$(now_ms)
        maintain_log "log-archive-$layout-$run" "$retention" "${month:0:7}" "$dir"
        t1=$(now_ms)
        record "$key.archive_cmd_s" "$MAINTAIN_S"
    else
        say "log ($layout): COPY of ${month:0:7} ($rows rows) into gzip"
        t0=$(now_ms)
        sql -c "COPY (SELECT * FROM greetings WHERE local_date >= DATE '$month' AND local_date < DATE '$next'
                      ORDER BY local_date, id) TO STDOUT WITH (FORMAT csv, HEADER)" | gzip > "$file"
        t1=$(now_ms)
    fi
    [ -s "$file" ] || die "log ($layout): no archive $file"
    archived=$(( $(gzip -dc "$file" | wc -l) - 1 ))
    [ "$archived" -eq "$rows" ] || die "log ($layout): $archived rows in $file, $rows in the month"
    record "$key.archive_month" "${month:0:7}"
    record "$key.archive_rows" "$archived"
    record "$key.archive_s" "$(secs "$t0" "$t1")"
    record "$key.archive_mib" "$(stat -c %s "$file" | awk '{ print $1 / 1048576 }')"
    rm -rf "$dir"
}

# log_layout <partitioned|unpartitioned>: one layout of the log, in a fresh database, measured.
log_layout() {
    local layout=$1 key=log.$1 t0 t1 first rows table_gib index_gib run
    say "log ($layout): a fresh database"
    fresh_database "log-schema-$layout"
    zone_buckets
    say "log ($layout): loading $LOG_USERS users"
    t0=$(now_ms)
    load_plan_users 1 "$LOG_USERS"
    t1=$(now_ms)
    record "$key.users_load_s" "$(secs "$t0" "$t1")"
    # Local dates up to yesterday (UTC, as the maintenance counts them), over LOG_YEARS years.
    LOG_LAST_DAY=$(sql -c "SELECT CAST(now() AT TIME ZONE 'UTC' AS date) - 1")
    first=$(sql -c "SELECT CAST(DATE '$LOG_LAST_DAY' - interval '$LOG_YEARS years' AS date) + 1")
    record "$key.first_day" "$first"
    record "$key.last_day" "$LOG_LAST_DAY"
    t0=$(now_ms)
    load_log "$layout" "$first"
    t1=$(now_ms)
    record "$key.load_s" "$(secs "$t0" "$t1")"
    rows=$(sql -c "SELECT count(*) FROM greetings")
    [ "$rows" -eq "$LOG_ROWS" ] || die "log ($layout): $rows rows in the log, not $LOG_ROWS"
    record "$key.rows" "$rows"
    if [ "$layout" = partitioned ]; then
        [ "$(sql -c "SELECT count(*) FROM greetings_default")" -eq 0 ] || die "log ($layout): rows in greetings_default"
        record "$key.months" "$(sql -c "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = CAST('greetings' AS regclass) AND c.relname ~ '^greetings_[0-9]{4}_[0-9]{2}$'")"
    fi
    read -r table_gib index_gib <<< "$(log_size)"
    record "$key.table_gib" "$table_gib"
    record "$key.index_gib" "$index_gib"
    record "$key.total_gib" "$(awk -v a="$table_gib" -v b="$index_gib" 'BEGIN { print a + b }')"
    say "log ($layout): $rows rows loaded in $(secs "$t0" "$t1") s; table $(fmt 1 "$table_gib") GiB, indexes $(fmt 1 "$index_gib") GiB"

    # a. The planning run over the users, with this log (the queue and the planner's state emptied).
    plan_runs "$key.plan" "log-$layout" "scheduled_tasks, planner_state"

    # b. A burst at 0 ms (reset_data keeps the log: LOG_LAST_DAY). The warm-up's rows in the log are
    # left to autovacuum to analyse, as in production: a few thousand beside the months already there.
    BURST_TAG=$key
    for ((run = 1; run <= RUNS; run++)); do burst_run 1 0 "$run"; done
    BURST_TAG=
    if [ "$layout" = unpartitioned ]; then
        # The instances' own logs (not their GC logs), and those where the maintenance stopped at greetings_default.
        local f logs=0 failed=0
        for f in "$WORK"/log-unpartitioned-burst-*.log; do
            case $f in *.gc.log) continue ;; esac
            logs=$((logs + 1))
            ! grep -q 'relation "greetings_default" does not exist' "$f" || failed=$((failed + 1))
        done
        record "$key.maintenance_failed" "$failed"
        record "$key.instances" "$logs"
    fi

    # c. The retention drop of the oldest months, then d. the archive of the next ones: a month each run.
    for ((run = 1; run <= RUNS; run++)); do log_drop "$layout" "$(log_month "$first" $((run - 1)))" "$run"; done
    for ((run = 1; run <= RUNS; run++)); do log_archive "$layout" "$(log_month "$first" $((RUNS + run - 1)))" "$run"; done
}

scenario_log() {
    # The log maintenance of every instance and command keeps every month (maintain_log alone sets another).
    APP_ARGS=(--cakeday.log.retention=0)
    BURST_ANALYZE=scheduled_tasks
    local layout
    for layout in "${LOG_LAYOUTS[@]}"; do log_layout "$layout"; done
    LOG_LAST_DAY=
    say "log: a fresh database for what follows"
    fresh_database log-schema-after
}

# ---------------------------------------------------------------------------------------------
# Main

for tool in java psql pgbench curl; do command -v "$tool" > /dev/null || die "$tool is missing"; done
# A jar older than the sources would measure old code under the current commit's name.
if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
    say "building $JAR"
    ./mvnw -B -q package -DskipTests
fi
APP_JAR=$JAR CDS_OPTS=()
if [ "$CDS" = 1 ]; then
    say "unpacking $JAR with its class-data archive (ops/cds-archive.sh)"
    JAVA=$(command -v java) ops/cds-archive.sh "$JAR" "$WORK/app" > /dev/null
    # -Xshare:on: a run whose JVM cannot use the archive stops instead of measuring without it.
    APP_JAR=$WORK/app/cakeday.jar CDS_OPTS=("-XX:SharedArchiveFile=$WORK/app/cakeday.jsa" -Xshare:on)
fi
[ "$PG_MODE" != own ] || start_cluster
JDBC="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
psql -X -q -d postgres -c "CREATE DATABASE $DB" > /dev/null
say "database $DB, work directory $WORK"
# pg_stat_statements where the server loads it (the bench's own cluster does when it is installed).
PGSS=
if [ "$(psql -X -q -At -d postgres -c "SELECT count(*) FROM pg_settings WHERE name = 'shared_preload_libraries'
        AND 'pg_stat_statements' = ANY (string_to_array(replace(setting, ' ', ''), ','))")" = 1 ] \
    && sql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2> /dev/null; then
    PGSS=1
fi
DATA_DIR=$(sql -c "SHOW data_directory" 2> /dev/null) || DATA_DIR=

start_provider
migrate_schema schema

for scenario in $SCENARIOS; do
    say "=== $scenario"
    t0=$(date +%s)
    # In a subshell, so that a failing scenario leaves the others to run; in the background, so
    # that Ctrl-C or a SIGTERM reaches the trap at once.
    ( set -e; trap 'stop_all' EXIT; trap 'exit 130' INT TERM; "scenario_$scenario" ) &
    SCENARIO_PID=$!
    rc=0
    wait "$SCENARIO_PID" || rc=$?
    SCENARIO_PID=
    stop_all
    [ "$rc" -eq 0 ] || { note "The $scenario scenario failed (exit $rc); some of its figures are missing."; FAILED=1; }
    record "took.$scenario" $(( $(date +%s) - t0 ))
    say "=== $scenario took $(( $(date +%s) - t0 )) s"
done

# ---------------------------------------------------------------------------------------------
# The report

TOOK=$(( $(date +%s) - STARTED_AT ))
[ "$(count_of heap_mb)" -eq 0 ] || record heap_max "$(values_of heap_mb | sort -g | tail -1)"

sz() { fmt 0 "$1"; }
ran() { [[ " $SCENARIOS " == *" $1 "* ]]; }
if ran import; then
row "Import of $(sz "$USERS_IMPORT") users" "time (whole command)" import.seconds 1 s "≤" 60 "$(size_note "$USERS_IMPORT" 1000000)"
row "Import of $(sz "$USERS_IMPORT") users" "users imported per second" import.rate 0 /s
fi
LARGEST_PLAN=$(printf '%s\n' "${PLAN_SIZES[@]}" | sort -n | tail -1)
ran plan && for size in $(printf '%s\n' "${PLAN_SIZES[@]}" | sort -n); do
    if [ "$size" = "$LARGEST_PLAN" ]; then
        row "Planning, $(sz "$size") users" "time of one full run" "plan.$size.seconds" 2 s "≤" 20 "$(size_note "$size" 10000000)"
    else
        row "Planning, $(sz "$size") users" "time of one full run" "plan.$size.seconds" 2 s
    fi
    row "Planning, $(sz "$size") users" "rows created" "plan.$size.rows" 0 rows
    row "Planning, $(sz "$size") users" "scans of users in its EXPLAIN" "plan.$size.users_scans" 0 "" "=" 0 "" worst
done
# Each burst's rate as a share of the ceiling (the median of pgbench in this run), run by run.
if [ "$(count_of ceiling.rate)" -gt 0 ]; then
    ceiling=$(median_of ceiling.rate)
    awk -F'\t' '$1 ~ /^burst\..*\.rate$/ { sub(/\.rate$/, "", $1); print $1 }' "$RESULTS" | sort -u > "$WORK/burst-keys"
    while read -r key; do
        for r in $(values_of "$key.rate"); do record "$key.share" "$(awk -v r="$r" -v c="$ceiling" 'BEGIN { print 100 * r / c }')"; done
    done < "$WORK/burst-keys"
fi
# burst_rows <key> <title> <kind: cold|warm> <latency>: the rows of one burst, with the targets of issue 13
# (cold: ≥ 100% of the ceiling, p99 ≤ 5 s, first greeting ≤ 1 s; warmed at 0 ms: ≥ 150% of the ceiling,
# ≤ 0.5 transactions and ≤ 0.3 ms of instance CPU per greeting) and the earlier ones (warmed: 2,000/s at
# 0 ms, 800/s at 100 ms, p99 ≤ 10 s).
burst_rows() {
    local key=$1 s=$2 kind=$3 latency=$4 big; big=$(size_note "$BURST" 10000)
    if [ "$kind" = cold ]; then
        row "$s" "greetings per second" "$key.rate" 0 /s
        row "$s" "share of the ceiling (pgbench, this run)" "$key.share" 0 % "≥" 100 "$big"
        row "$s" "started before the due time" "$key.lead_s" 0 s
        row "$s" "start to ready (planned, readiness UP)" "$key.ready_s" 1 s
    else
        case $latency in
            0) row "$s" "greetings per second" "$key.rate" 0 /s "≥" 2000 "$big"
               row "$s" "share of the ceiling (pgbench, this run)" "$key.share" 0 % "≥" 150 "$big" ;;
            100) row "$s" "greetings per second" "$key.rate" 0 /s "≥" 800 "$big"
                 row "$s" "share of the ceiling (pgbench, this run)" "$key.share" 0 % ;;
            *) row "$s" "greetings per second" "$key.rate" 0 /s
               row "$s" "share of the ceiling (pgbench, this run)" "$key.share" 0 % ;;
        esac
    fi
    row "$s" "time to drain" "$key.drain_s" 1 s
    if [ "$kind" = cold ] && [ "$latency" = 0 ]; then
        row "$s" "first greeting after the due time" "$key.first_s" 2 s "≤" 1
    else
        row "$s" "first greeting after the due time" "$key.first_s" 2 s
    fi
    row "$s" "p50 lateness" "$key.p50_s" 2 s
    if [ "$kind" = cold ]; then
        [ "$latency" != 0 ] || row "$s" "p99 lateness" "$key.p99_s" 2 s "≤" 5 "$big"
        [ "$latency" = 0 ] || row "$s" "p99 lateness" "$key.p99_s" 2 s
    else
        row "$s" "p99 lateness" "$key.p99_s" 2 s "≤" 10 "$big"
    fi
    if [ "$kind" = warm ] && [ "$latency" = 0 ]; then
        row "$s" "database transactions per greeting" "$key.xacts" 2 "" "≤" 0.5
        row "$s" "statements per greeting (pg_stat_statements)" "$key.statements" 2 ""
        row "$s" "instance CPU per greeting" "$key.cpu_ms" 2 ms "≤" 0.3
    else
        row "$s" "database transactions per greeting" "$key.xacts" 2 ""
        row "$s" "statements per greeting (pg_stat_statements)" "$key.statements" 2 ""
        row "$s" "instance CPU per greeting" "$key.cpu_ms" 2 ms
    fi
    row "$s" "database CPU per greeting" "$key.db_cpu_ms" 2 ms
    row "$s" "WAL per greeting" "$key.wal_bytes" 0 bytes
    row "$s" "connections to the database at the peak" "$key.connections" 0 ""
    row "$s" "autovacuum and autoanalyze runs during the burst" "$key.autovacuum" 0 ""
    row "$s" "machine CPU busy during the burst" "$key.busy_pct" 0 %
    row "$s" "peak process RSS" "$key.rss_mb" 0 MB
    row "$s" "peak heap" "$key.heap_mb" 0 MB "≤" 256 "" worst
}
# The cold and the warmed burst of each provider latency, one beside the other.
BURSTS=()   # key|title, in the order of the side-by-side table
for latency in $(echo "$LATENCIES $COLD_LATENCIES" | tr -s ' ' '\n' | awk 'NF && !seen[$0]++'); do
    if ran cold && [[ " $COLD_LATENCIES " == *" $latency "* ]]; then
        s="Burst of $(sz "$BURST"), 1 instance, cold (started ~$COLD_LEAD s before), provider $latency ms"
        burst_rows "burst.cold.1x$latency" "$s" cold "$latency"
        BURSTS+=("burst.cold.1x$latency|cold, provider $latency ms")
    fi
    if ran burst && [[ " $LATENCIES " == *" $latency "* ]]; then
        s="Burst of $(sz "$BURST"), 1 instance, warmed ($(sz "$WARMUP") sent before), provider $latency ms"
        burst_rows "burst.1x$latency" "$s" warm "$latency"
        BURSTS+=("burst.1x$latency|warmed, provider $latency ms")
    fi
done
ran scale && for k in $SCALE_INSTANCES; do
    s="Scale-out, burst of $(sz "$BURST"), provider $SCALE_LATENCY ms"
    row "$s" "$k instance(s): greetings per second" "burst.${k}x$SCALE_LATENCY.rate" 0 /s
    row "$s" "$k instance(s): p99 lateness" "burst.${k}x$SCALE_LATENCY.p99_s" 2 s "≤" 10 "$(size_note "$BURST" 10000)"
    row "$s" "$k instance(s): transactions per greeting" "burst.${k}x$SCALE_LATENCY.xacts" 2 ""
    row "$s" "$k instance(s): connections at the peak" "burst.${k}x$SCALE_LATENCY.connections" 0 ""
    row "$s" "$k instance(s): machine CPU busy" "burst.${k}x$SCALE_LATENCY.busy_pct" 0 %
done
ran ceiling && row "Ceiling: pgbench, $CEILING_CLIENTS clients" "greetings per second" ceiling.rate 0 /s
ran api && for size in "${API_SIZES[@]}"; do for ep in post get; do
    if [ $ep = post ]; then s="API at $(sz "$size") users: POST /user, concurrency $API_CONCURRENCY, ${API_SECONDS} s"
        row "$s" "requests per second" "api.$size.post.rps" 0 /s "≥" 1500
        row "$s" "p50 latency" "api.$size.post.p50_ms" 1 ms
        row "$s" "p99 latency" "api.$size.post.p99_ms" 1 ms "≤" 60
    else s="API at $(sz "$size") users: GET /user/{id}, concurrency $API_CONCURRENCY, ${API_SECONDS} s"
        row "$s" "requests per second" "api.$size.get.rps" 0 /s "≥" 3000
        row "$s" "p50 latency" "api.$size.get.p50_ms" 1 ms
        row "$s" "p99 latency" "api.$size.get.p99_ms" 1 ms "≤" 25
    fi
    row "$s" "errors" "api.$size.$ep.errors" 0 "" "=" 0 "" worst
done; row "API at $(sz "$size") users" "peak heap of the instance" "api.$size.heap_mb" 0 MB "≤" 256 "" worst; done
ran log && for layout in "${LOG_LAYOUTS[@]}"; do
    s="Delivery log of $(sz "$LOG_ROWS") rows, $layout"
    row "$s" "load (keys dropped, rows, keys built, VACUUM (ANALYZE))" "log.$layout.load_s" 0 s
    row "$s" "size (table and indexes)" "log.$layout.total_gib" 1 GiB
    row "$s" "planning run over $(sz "$LOG_USERS") users" "log.$layout.plan.seconds" 2 s
    row "$s" "burst of $(sz "$BURST") at 0 ms: greetings per second" "log.$layout.burst.1x0.rate" 0 /s
    row "$s" "burst: transactions per greeting" "log.$layout.burst.1x0.xacts" 2 ""
    row "$s" "burst: p99 lateness" "log.$layout.burst.1x0.p99_s" 2 s
    if [ "$layout" = partitioned ]; then
        row "$s" "drop of a month (maintain-log, whole command)" "log.$layout.drop_s" 2 s
        row "$s" "archive and drop of a month (maintain-log, whole command)" "log.$layout.archive_s" 2 s
    else
        row "$s" "drop of a month (DELETE)" "log.$layout.drop_s" 2 s
        row "$s" "the VACUUM after that DELETE" "log.$layout.vacuum_s" 1 s
        row "$s" "archive of a month (COPY into gzip)" "log.$layout.archive_s" 2 s
    fi
done
row "Every run of the jar (-Xmx$HEAP)" "largest heap in use, of all" heap_max 0 MB "≤" 256

echo
print_table
echo
bursts_table text
echo
say "the whole run took $((TOOK / 60)) min $((TOOK % 60)) s"

# The command as it was run: the knobs set in the environment, then the script.
COMMAND=$( (env | grep -E '^BENCH_' | sort | sed -E "s/^([^=]+)=(.*)$/\1='\2'/" | tr '\n' ' '; echo "ops/bench/run.sh") )
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src pom.xml 2>/dev/null || COMMIT="$COMMIT, with uncommitted changes in src or pom.xml"
EXPLAIN_FILE=$WORK/explain-$LARGEST_PLAN.txt
# The settings of PG_CONF and PG_REPORT_EXTRA as the server has them, as markdown rows.
PG_NAMES=$(printf '%s\n' "${PG_CONF[@]%% =*}" "${PG_REPORT_EXTRA[@]}" | paste -sd, -)
PG_SETTINGS=$(sql -F $'\t' -c "SELECT name, current_setting(name), CASE WHEN source = 'default' THEN 'default'
        ELSE source END FROM pg_settings WHERE name = ANY (string_to_array('$PG_NAMES', ',')) ORDER BY name" \
    | awk -F'\t' '{ printf "| `%s` | `%s` | %s |\n", $1, $2, $3 }')
if [ "$PG_MODE" = own ]; then
    PG_WHERE="A cluster of the bench's own: \`initdb\` (UTF-8, locale C.UTF-8, password authentication over TCP) into a
temporary directory, started with \`pg_ctl\` as the \`postgres\` user on 127.0.0.1:$PGPORT, stopped and removed at the
end. Its settings are those of \`PG_CONF\` in \`ops/bench/run.sh\`; the others are PostgreSQL's defaults."
else
    PG_WHERE="An existing server (BENCH_PG=external) at $PGHOST:$PGPORT, with its settings as they were; the bench
created the database $DB on it and dropped it at the end."
fi
STATEMENTS_SECTION=
for key in burst.cold.1x0 burst.1x0; do
    f=$(find "$WORK" -maxdepth 1 -name "$key.*.statements.md" | sort -V | tail -1)
    if [ -z "$f" ] || [ ! -s "$f" ]; then continue; fi
    case $key in burst.cold.*) t="the cold burst";; *) t="the warmed burst";; esac
    STATEMENTS_SECTION+="Of $t at 0 ms (its last run), from shortly before the due time until the instances stopped, by total time
(the bench's own few counting queries are among them):

| calls per greeting | mean | total | statement |
|---:|---:|---:|---|
$(cat "$f")

"
done
took_of() { [ "$(count_of "took.$1")" -gt 0 ] && echo "$(median_of "took.$1") s" || echo "not run"; }

# The log scenario's section: both layouts side by side, how each figure is measured, the plans.
log_cell() { # log_cell <key> <decimals> <unit>: the median, with the spread of several runs
    local n; n=$(count_of "$1")
    if [ "$n" -eq 0 ]; then echo "—"; return; fi
    if [ "$n" -gt 1 ]; then echo "$(fmt "$2" "$(median_of "$1")")$3 ($(fmt "$2" "$(min_of "$1")")–$(fmt "$2" "$(maxv_of "$1")"), $n runs)"
    else echo "$(fmt "$2" "$(median_of "$1")")$3"; fi
}
log_line() { # log_line <figure> <key suffix> <decimals> <unit>: one row, a column per layout
    local line="| $1 |" layout
    for layout in "${LOG_LAYOUTS[@]}"; do line+=" $(log_cell "log.$layout.$2" "$3" "$4") |"; done
    echo "$line"
}
log_values() { # log_values <key suffix>: its values in the first layout that has any, comma-separated
    local layout v
    for layout in "${LOG_LAYOUTS[@]}"; do
        v=$(values_of "log.$layout.$1" | paste -sd, - | sed 's/,/, /g')
        [ -z "$v" ] || { echo "$v"; return; }
    done
    echo "—"
}
log_section() {
    local layout head="| per layout |" rule="|---|" f statements
    for layout in "${LOG_LAYOUTS[@]}"; do head+=" $layout |"; rule+="---:|"; done
    echo "## The delivery log at size"
    echo
    echo "$(sz "$LOG_ROWS") greetings over the $LOG_YEARS years of local dates from $(log_values first_day) to $(log_values last_day)"
    echo "(yesterday), $(sz "$LOG_USERS") users; each layout in a database of its own, migrated by the jar and dropped"
    echo "after it. Medians of $RUNS run(s) each, with the spread when there were several."
    echo
    echo "$head"
    echo "$rule"
    log_line "greetings in the log" rows 0 ""
    log_line "months (partitions, besides greetings_default)" months 0 ""
    log_line "load: key and indexes dropped, rows inserted ($(nproc) sessions), key and indexes built, \`VACUUM (ANALYZE)\`" load_s 0 " s"
    log_line "size: table" table_gib 1 " GiB"
    log_line "size: indexes" index_gib 1 " GiB"
    log_line "size: table and indexes" total_gib 1 " GiB"
    log_line "planning run over $(sz "$LOG_USERS") users (\`plan\`, as it reports)" plan.seconds 2 " s"
    log_line "planning: rows created" plan.rows 0 ""
    log_line "burst of $(sz "$BURST") at 0 ms: greetings per second" burst.1x0.rate 0 /s
    log_line "burst: transactions per greeting" burst.1x0.xacts 2 ""
    log_line "burst: statements per greeting" burst.1x0.statements 2 ""
    log_line "burst: p99 lateness" burst.1x0.p99_s 2 " s"
    log_line "burst: instance CPU per greeting" burst.1x0.cpu_ms 2 " ms"
    log_line "burst: database CPU per greeting" burst.1x0.db_cpu_ms 2 " ms"
    log_line "burst: WAL per greeting" burst.1x0.wal_bytes 0 " bytes"
    log_line "drop of the oldest month ($(log_values drop_month)): partitioned \`maintain-log\`, whole command with JVM start; unpartitioned \`DELETE\`" drop_s 2 " s"
    log_line "… of it, as \`maintain-log\` reports itself" drop_cmd_s 2 " s"
    log_line "… the \`VACUUM\` the \`DELETE\` leaves to do" vacuum_s 1 " s"
    log_line "… WAL written (the drop; the \`DELETE\` and its \`VACUUM\`)" drop_wal_mib 2 " MiB"
    log_line "… greetings in that month" drop_rows 0 ""
    log_line "archive of the next month ($(log_values archive_month)): partitioned \`maintain-log\` with an archive directory (COPY into gzip, read back, drop), whole command; unpartitioned \`COPY … TO STDOUT\` into \`gzip\`" archive_s 2 " s"
    log_line "… of it, as \`maintain-log\` reports itself" archive_cmd_s 2 " s"
    log_line "… size of the .csv.gz" archive_mib 1 " MiB"
    log_line "… greetings in it" archive_rows 0 ""
    echo
    echo "How each figure is measured:"
    echo
    echo "- **The log.** Rows generated by SQL (\`ops/bench/load-log.sql\`), the same number each day: 95.5% SENT with"
    echo "  \`sent_at\` and a provider message id, 2% FAILED, 1.5% EXPIRED and 1% SKIPPED with the reasons the service"
    echo "  records; 90% BIRTHDAY, 10% ANNIVERSARY. Their users are synthetic ids, none twice on a day, except on the"
    echo "  last 4 days, which start with the loaded users' own birthday greetings, SENT, so that the planner finds"
    echo "  the past days of its window in the log as in production. **partitioned** is the log as V7 makes it, a"
    echo "  partition per month: those of the load are created first (\`greetings_add_month\`), so that"
    echo "  \`greetings_default\` stays empty, and the 13 months ahead V7 creates are among the months counted."
    echo "  **unpartitioned** is one plain table with the same columns, defaults and CHECKs, the same key (id, local_date)"
    echo "  and the same four indexes under the same names, so the service's statements run unchanged."
    echo "- **Load.** The key and the indexes dropped (on the parent, so on every month), the rows inserted a month per"
    echo "  statement by $(nproc) sessions at once (\`synchronous_commit\` off), the key and indexes built again"
    echo "  (\`maintenance_work_mem\` 2GB, parallel workers), then \`VACUUM (ANALYZE)\`; the users loaded before it"
    echo "  ($(log_cell "log.${LOG_LAYOUTS[0]}.users_load_s" 0 " s") for the ${LOG_LAYOUTS[0]} layout, as the planning scenario loads them) are not in it."
    echo "  Size is \`pg_table_size\` and \`pg_indexes_size\`, summed over the months."
    echo "- **Planning run.** \`java -jar target/cakeday.jar plan\` over the users, as the planning scenario runs it (the queue"
    echo "  and the planner's state emptied before each run), with this log in place of an empty one."
    echo "- **Burst.** The burst scenario's run (its users in place of the planning run's, the log kept), one instance,"
    echo "  provider at 0 ms, $(sz "$WARMUP") greetings of warm-up. Its queue is analysed before the due time; the rows the"
    echo "  warm-up added to the log are left to autovacuum, as in production."
    echo "- **Drop.** partitioned: \`maintain-log --cakeday.log.retention=<N>d\`, N chosen so that exactly the oldest month"
    echo "  is past retention; it detaches the month and drops it. The time is the whole command (JVM start included);"
    echo "  the command also reports its own. unpartitioned: the equivalent \`DELETE FROM greetings WHERE local_date >= <month>"
    echo "  AND local_date < <month + 1>\`, then \`VACUUM greetings\`, which the DELETE leaves to do (autovacuum would), timed"
    echo "  apart. WAL is the growth of \`pg_stat_wal.wal_bytes\` (the whole cluster) meanwhile."
    echo "- **Archive.** partitioned: \`maintain-log\` with \`--cakeday.log.archive-dir\` and N so that the next oldest month"
    echo "  is past retention: it writes the month as gzip CSV (\`COPY … ORDER BY local_date, id\`), syncs it, reads it back,"
    echo "  writes the month's operator retries (none here) and drops the month. unpartitioned: the same \`COPY\` through psql"
    echo "  into \`gzip\` (level 6, as Java's default), nothing dropped. The rows in each archive are counted from the file."
    echo "- **Runs.** The drop and the archive consume months: $RUNS run(s) of each, each run on the next oldest month, the"
    echo "  same months in both layouts."
    echo "- **Retention.** Every instance and command of this scenario ran with \`--cakeday.log.retention=0\` (its log"
    echo "  maintenance, hourly and at start-up, drops nothing), except the \`maintain-log\` runs of the drop and the archive."
    for layout in "${LOG_LAYOUTS[@]}"; do
        [ "$layout" = unpartitioned ] || continue
        echo "  In the unpartitioned layout the instances' log maintenance fails at their start-up (it reads"
        echo "  \`greetings_default\`, which this layout has not), as expected: in $(log_values maintenance_failed) of the"
        echo "  $(log_values instances) burst instances' logs. db-scheduler retries it 5 minutes later; the burst does not wait for it."
    done
    echo
    for layout in "${LOG_LAYOUTS[@]}"; do
        f=$WORK/explain-log-$layout.txt
        if [ -s "$f" ]; then
            echo "<details><summary><code>plan --explain</code> with the $layout log</summary>"
            echo
            echo '```text'
            cat "$f"
            echo '```'
            echo
            echo "</details>"
            echo
        fi
        statements=$(find "$WORK" -maxdepth 1 -name "log.$layout.burst.1x0.*.statements.md" | sort -V | tail -1)
        if [ -n "$statements" ] && [ -s "$statements" ]; then
            echo "<details><summary>The statements of the burst with the $layout log (its last run), by total time; the bench's own counting queries are among them</summary>"
            echo
            echo "| calls per greeting | mean | total | statement |"
            echo "|---:|---:|---:|---|"
            cat "$statements"
            echo
            echo "</details>"
            echo
        fi
    done
}

mkdir -p "$(dirname "$OUT")"
{
cat <<EOF
# Benchmarks

Measured by \`ops/bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), at commit $COMMIT.
The command was \`$COMMAND\`.
The whole run took $((TOOK / 60)) min $((TOOK % 60)) s, on a fresh database that it dropped at the end
(the Database section says which server).

## Machine

- CPU: $(nproc) cores ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -1)).
- Memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo).
- JDK: $(java -version 2>&1 | head -1).
- PostgreSQL: $(sql -c "SELECT version()"), as the Database section says.
- Everything runs on this one machine: PostgreSQL, the instances, the fake provider and the load generators.
- The service runs with \`-Xmx$HEAP\` and its default settings otherwise
  (db-scheduler threads 200, polling interval 1 s, connection pool 8, as in application.yml)${SERVICE_ARGS[*]:+, plus \`${SERVICE_ARGS[*]}\`}${JAVA_OPTS[*]:+, JVM options \`${JAVA_OPTS[*]}\`}.
- $( [ "$CDS" = 1 ] && echo "The jar runs unpacked with its class-data archive (\`ops/cds-archive.sh\`, \`-XX:SharedArchiveFile\`), as the Docker image and \`ops/cakeday.service\` run it." || echo "The jar runs as \`java -jar target/cakeday.jar\`, without a class-data archive (BENCH_CDS=0).")

## Database

$PG_WHERE

| setting | value | set by |
|---|---|---|
$PG_SETTINGS

Every table the bench fills by SQL is analysed (\`ANALYZE\`) before it is measured: the users of the planning
runs (\`VACUUM (ANALYZE)\` after the load), of the bursts and of the ceiling; before a burst's due time also the
rows the instances planned and the log of the warm-up; before \`GET /user/{id}\` the users \`POST /user\` created.
The import analyses nothing itself: what the jar does is measured. Autovacuum runs as it would in production,
also during the measurements${PGSS:+; \`pg_stat_statements\` counts the statements (top level, \`track_utility\` off)}.

## Results

Each figure is the median of the runs; the spread is the lowest and the highest run.
A target marked with * was set for another size than this run's (1M users to import,
10M users to plan, a burst of 10,000).

$(markdown_table)

The bursts side by side: a cold instance (started about $COLD_LEAD s before the due time, nothing sent before)
and a warmed one ($(sz "$WARMUP") greetings sent before), medians; the share is of the pgbench ceiling of this run.

$(bursts_table)

$(ran log && log_section)

## How each figure is measured

- **Import.** \`java -jar target/cakeday.jar import users.csv\` on $(sz "$USERS_IMPORT") synthetic users
  (\`ops/bench/SyntheticUsers.java\`): time zones drawn in proportion to the world's population (about
  70 zones, approximate weights from UN estimates), birthdays uniform over the 366 days of the year with
  Feb 29, years 1950–2005, unique emails. The time is the whole command, JVM start included. The tables are
  emptied before each run.
- **Planning.** The users are loaded by SQL (\`ops/bench/load-users.sql\`, the same distribution; all
  created one to three years ago, so every greeting in the window is owed). This preparation is not a
  figure; the tables' keys and indexes are dropped during the load and built afterwards, so they are more
  compact than those of tables grown row by row. Then \`java -jar target/cakeday.jar plan\` runs one full planning run over the window
  (3 days back, 3 days ahead); the time is the run as the command reports it. The planned rows are
  deleted before each run, so each run creates them all again. The delivery log (\`greetings\`) is empty,
  as on a first run; in a database with years of log the plan may differ where it checks that log.
- **Burst.** The users' birthday greetings fall due at one instant (\`cakeday.greeting.send-time\`),
  chosen so that the instances have started and planned before it; their start-up planning creates the rows.
  Each run starts new instances; before the burst they send $(sz "$WARMUP") greetings that fell due an hour
  earlier (users in UTC+1), at 0 ms, so that the burst meets a warmed-up JVM as in an instance that has run
  for a while (HotSpot compiles a method with C2 after about 15,000 calls). Those are not counted. With
  several instances they share that warm-up, so each is less warm than a single one. An instance started
  shortly before a burst is slower: with a warm-up of 2,000 the same jar measured 746/s and 1.51 ms of CPU
  per greeting (docs/BENCHMARKS.md of commit 0563189).
  The fake provider (\`ops/fake-provider/FakeProvider.java\`) answers every call with 200 after a fixed
  delay. Drain is the last \`sent_at\` minus the due time; greetings per second is the burst divided by
  the drain. Lateness is \`sent_at − due_at\` of each greeting. Transactions per greeting is the growth of
  \`xact_commit + xact_rollback\` in \`pg_stat_database\` from 2 s before the due time until the instances stopped,
  divided by the burst; it includes the instances' own polling meanwhile. Instance CPU is the user and
  system time the instances' JVMs spent from 2 s before the due time until the provider had every greeting, per
  greeting; machine CPU busy is the share of all cores in use over the same span (\`/proc/stat\`).
  Database CPU is the user and system time of the whole PostgreSQL server (the postmaster, the backends
  it reaped and those running) over the transactions' span, per greeting; WAL is the growth of
  \`pg_stat_wal.wal_bytes\` (the whole cluster) over it, per greeting; connections at the peak is the
  most rows of \`pg_stat_activity\` for the bench database, sampled every 0.2 s during the burst.
  Peak RSS is \`VmHWM\` of the process; peak heap is the most heap in use in the JVM's GC log (\`-Xlog:gc\`, the
  heap before each collection) and the actuator's \`jvm_memory_used_bytes{area="heap"}\` when the burst is done.
  First greeting is the earliest \`sent_at\` minus the due time (the provider's latency included). Statements
  per greeting is the growth of \`calls\` in \`pg_stat_statements\` for the bench database over the same span as
  the transactions, less the bench's own queries; autovacuum runs is the growth of \`autovacuum_count +
  autoanalyze_count\` in \`pg_stat_user_tables\`. Autovacuum's own transactions, if it ran during a burst,
  count among the burst's. The share of the ceiling is each run's greetings per second over the median of
  the ceiling scenario in the same run.
- **Cold burst.** The same burst, met by a new instance started $COLD_LEAD s (BENCH_COLD_LEAD) before the due
  time and sent nothing before it: its JVM meets the burst with the JIT compiling beside it, as an instance
  deployed or restarted shortly before a due time does. Start to ready is from \`java -jar\` until the
  start-up planning ran and readiness said UP.
- **Scale-out.** The same burst with 1, 2 and 3 instances on this machine, provider at $SCALE_LATENCY ms.
- **Ceiling.** \`pgbench\` replays the database work of one greeting (\`ops/bench/greeting-work.pgbench\`:
  claim one due row with \`FOR UPDATE SKIP LOCKED\`, read the user, the occasion and the log in one
  statement, write SENDING, write SENT and delete the row in one statement) with $CEILING_CLIENTS clients (BENCH_CEILING_CLIENTS;
  the default was an instance's Hikari pool when it was set, the pool is 8 now), on the same database and the same
  burst, analysed. That is what this PostgreSQL can do today's per-row work at; the share compares each burst run with
  the median of pgbench.
- **API.** \`wrk\` with 2 threads and $API_CONCURRENCY connections for ${API_SECONDS} s per run, against one
  instance, once for each of ${API_SIZES[*]} users loaded by SQL before it starts (BENCH_API_USERS, as for
  the planning), vacuumed and analysed. \`POST /user\` sends a valid user with a unique email each time
  (\`ops/bench/post-user.lua\`); \`GET /user/{id}\` reads 20,000 users drawn at random from all of them,
  loaded and created (\`ops/bench/get-user.lua\`). Each
  endpoint is warmed up for $(( API_SECONDS < 10 ? API_SECONDS : 10 )) s first, not counted. Errors are socket errors, timeouts and answers
  other than 2xx or 3xx. The instance also plans the new users' greetings and sends those due.

Time per scenario: import $(took_of import), planning $(took_of plan), burst $(took_of burst),
cold burst $(took_of cold), scale-out $(took_of scale), ceiling $(took_of ceiling), API $(took_of api),
delivery log $(took_of log).

EOF
if [ -s "$NOTES" ]; then
    echo "## Notes from this run"
    echo
    sed 's/^/- /' "$NOTES"
    echo
fi
if [ -n "$STATEMENTS_SECTION" ]; then
    echo "## The statements of a burst"
    echo
    printf '%s' "$STATEMENTS_SECTION"
fi
echo "## The planning statement"
echo
if [ -s "$EXPLAIN_FILE" ]; then
    echo "\`java -jar target/cakeday.jar plan --explain\` on $(sz "$LARGEST_PLAN") users:"
    echo
    echo '```text'
    cat "$EXPLAIN_FILE"
    echo '```'
else
    echo "Not available: this jar has no \`plan --explain\` command, or the planning scenario did not run."
fi
} > "$OUT"
say "wrote $OUT"
[ "${FAILED:-0}" -eq 0 ] || exit 1
