#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local cluster, for reads routed to replicas (DATABASE_READ_URLS).
#
#   scripts/replica.sh start    make it (pg_basebackup -R) and start it, or reuse the one already running
#   scripts/replica.sh status   say whether it runs and streams
#   scripts/replica.sh stop     stop it, keeping its data directory
#   scripts/replica.sh remove   stop it and delete its data directory
#
# Settings (environment):
#   PRIMARY_HOST=127.0.0.1  PRIMARY_PORT=5432  PRIMARY_USER=postgres  PRIMARY_DB=test
#   REPLICA_PORT=5433       REPLICA_DIR=/tmp/fact-service-replica-$REPLICA_PORT
#   PG_BIN=/usr/lib/postgresql/15/bin
#
# What it changes on the primary, only when needed: it appends
#   host replication all 127.0.0.1/32 trust
# to the primary's pg_hba.conf and reloads it (replication connections match no "all" database line).
# It needs wal_level=replica (or logical) and max_wal_senders > 0, PostgreSQL's defaults; changing either
# needs a restart of the primary, which it never does: it stops with a message instead.
# On success the last line printed is the replica's URL: DATABASE_READ_URL=postgresql://...
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
PRIMARY_DB=${PRIMARY_DB:-test}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/tmp/fact-service-replica-$REPLICA_PORT}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WAIT_SECONDS=${WAIT_SECONDS:-60}

log() { printf 'replica: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

# PostgreSQL's server programs refuse to run as root: run them as the cluster's owner instead.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d "$PRIMARY_DB" -XAtqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d "$PRIMARY_DB" -XAtqc "$1"; }

running() { [ -f "$REPLICA_DIR/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }

url() { echo "DATABASE_READ_URL=postgresql://$PRIMARY_USER@127.0.0.1:$REPLICA_PORT/$PRIMARY_DB"; }

check_primary() {
  primary 'SELECT 1' >/dev/null || fail "cannot reach the primary at $PRIMARY_HOST:$PRIMARY_PORT as $PRIMARY_USER"
  local wal_level senders
  wal_level=$(primary 'SHOW wal_level')
  senders=$(primary 'SHOW max_wal_senders')
  case "$wal_level" in replica | logical) ;; *) fail "the primary has wal_level=$wal_level; set wal_level=replica and restart it" ;; esac
  [ "$senders" -gt 0 ] || fail "the primary has max_wal_senders=0; set it above 0 and restart it"
  [ "$(primary "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] || fail "$PRIMARY_USER may not replicate (ALTER ROLE $PRIMARY_USER REPLICATION)"
}

allow_replication_connections() {
  local hba
  hba=$(primary 'SHOW hba_file')
  if grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|'"$PRIMARY_USER"')[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" 2>/dev/null; then return; fi
  [ -w "$hba" ] || fail "replication connections from 127.0.0.1 are not allowed and $hba is not writable: add 'host replication all 127.0.0.1/32 trust' and reload"
  log "allowing replication connections from 127.0.0.1 in $hba"
  printf '\n# Added by fact-service scripts/replica.sh: local streaming replicas\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
  primary 'SELECT pg_reload_conf()' >/dev/null
  sleep 1
}

# Debian keeps postgresql.conf and pg_hba.conf outside the data directory, so the copy needs its own.
# A hot standby must allow at least as many connections, workers, senders and locks as its primary.
write_config() {
  local setting value
  {
    echo "# Written by scripts/replica.sh"
    echo "port = $REPLICA_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$REPLICA_DIR'"
    echo "hot_standby = on"
    echo "shared_buffers = '32MB'"
    echo "logging_collector = off"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
      value=$(primary "SHOW $setting")
      echo "$setting = $value"
    done
  } | as_owner tee "$REPLICA_DIR/postgresql.conf" >/dev/null
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_owner tee "$REPLICA_DIR/pg_hba.conf" >/dev/null
}

wait_until_streaming() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until [ "$(replica 'SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() IS NOT NULL' 2>/dev/null)" = t ]; do
    [ $SECONDS -lt $deadline ] || fail "the replica did not start replaying within ${WAIT_SECONDS}s (log: $REPLICA_DIR/server.log)"
    sleep 0.5
  done
  until [ "$(replica "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = streaming ]; do
    [ $SECONDS -lt $deadline ] || fail "the replica is not streaming from the primary after ${WAIT_SECONDS}s (log: $REPLICA_DIR/server.log)"
    sleep 0.5
  done
}

start() {
  if running; then
    log "already running on port $REPLICA_PORT ($REPLICA_DIR): reusing it"
    wait_until_streaming
    url
    return
  fi
  check_primary
  allow_replication_connections
  if [ ! -f "$REPLICA_DIR/standby.signal" ]; then
    rm -rf "$REPLICA_DIR"
    mkdir -p "$REPLICA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$REPLICA_DIR"
    chmod 700 "$REPLICA_DIR"
    as_owner test -w "$REPLICA_DIR" || fail "the cluster's owner cannot write $REPLICA_DIR (is a parent directory closed to it?)"
    log "copying the primary ($PRIMARY_HOST:$PRIMARY_PORT) into $REPLICA_DIR"
    # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    as_owner "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -D "$REPLICA_DIR" -R -X stream -c fast --no-password
  fi
  write_config
  log "starting on port $REPLICA_PORT"
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t "$WAIT_SECONDS" start >/dev/null
  wait_until_streaming
  log "streaming from $PRIMARY_HOST:$PRIMARY_PORT"
  url
}

stop() {
  if running; then
    as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
    log "stopped the replica on port $REPLICA_PORT"
  else
    log "no replica running in $REPLICA_DIR"
  fi
}

status() {
  if running; then
    log "running on port $REPLICA_PORT ($REPLICA_DIR): wal receiver $(replica 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null || echo unknown)"
    url
  else
    log "not running ($REPLICA_DIR)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  remove)
    stop
    rm -rf "$REPLICA_DIR"
    log "removed $REPLICA_DIR"
    ;;
  status) status ;;
  *)
    echo "usage: $0 start|status|stop|remove" >&2
    exit 2
    ;;
esac
