# Servers of the test run's own, on loopback: a fresh PostgreSQL cluster and a Redis server, in temporary
# folders on free ports. Sourced by scripts/test; they stop when the script ends.

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

need_postgres() {
  if [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ]; then
    return
  fi
  if [ "$(id -u)" = "0" ]; then
    say "Installing PostgreSQL from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is needed for the tests. Install it with: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
}

# PostgreSQL will not run as root: as root, the cluster belongs to the postgres user the package made.
as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_test_postgres() {
  if [ -n "${TEST_PG_DIR:-}" ] && [ -d "$TEST_PG_DIR/data" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$TEST_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TEST_PG_DIR"
  fi
}

start_test_postgres() {
  need_postgres
  local bin port
  bin="$(pg_bin)"
  TEST_PG_DIR="$(mktemp -d /tmp/homecare-test-pg.XXXXXX)"
  chmod 755 "$TEST_PG_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres "$TEST_PG_DIR"; fi
  port="$(free_port)"
  say "PostgreSQL for the tests on 127.0.0.1:$port"
  as_postgres "$bin/initdb" -D "$TEST_PG_DIR/data" -U homecare --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Durability is not what a test run needs: without fsync the tests run several times faster.
  as_postgres "$bin/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/server.log" -w start \
    -o "-p $port -k $TEST_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  export HOMECARE_TEST_POSTGRES_URL="postgresql+psycopg://homecare@127.0.0.1:$port/postgres"
  # The fault tests stop and start this server (tests/e2e/test_production.py).
  export HOMECARE_TEST_POSTGRES_DATA="$TEST_PG_DIR/data"
}

free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

need_redis() {
  if command -v redis-server >/dev/null; then
    return
  fi
  if [ "$(id -u)" = "0" ]; then
    say "Installing Redis from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "Redis is needed for the tests. Install it with: sudo apt-get install -y redis-server" >&2
    exit 1
  fi
}

stop_test_redis() {
  if [ -n "${TEST_REDIS_DIR:-}" ] && [ -f "$TEST_REDIS_DIR/redis.pid" ]; then
    kill "$(cat "$TEST_REDIS_DIR/redis.pid")" 2>/dev/null || true
    rm -rf "$TEST_REDIS_DIR"
  fi
}

start_test_redis() {
  need_redis
  local port
  TEST_REDIS_DIR="$(mktemp -d /tmp/homecare-test-redis.XXXXXX)"
  port="$(free_port)"
  say "Redis for the tests on 127.0.0.1:$port"
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
    --dir "$TEST_REDIS_DIR" --pidfile "$TEST_REDIS_DIR/redis.pid" --logfile "$TEST_REDIS_DIR/redis.log"
  for _ in $(seq 50); do
    [ -f "$TEST_REDIS_DIR/redis.pid" ] && break
    sleep 0.1
  done
  export HOMECARE_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  export HOMECARE_TEST_REDIS_DIR="$TEST_REDIS_DIR"
}

stop_test_servers() {
  stop_test_postgres
  stop_test_redis
}

start_test_servers() {
  trap stop_test_servers EXIT
  start_test_postgres
  start_test_redis
}
