# The production set-up on one machine, for trying it: `scripts/run --prod`. Sourced by scripts/run.
# Every setting comes from the environment (docs/deployment.md); unsafe ones are refused before anything
# is built or started. What runs:
#   nginx        https on HOMECARE_HTTPS_PORT: the exported frontend as static files, the rest forwarded
#   the backend  `reflex run --env prod --backend-only` on 127.0.0.1:HOMECARE_BACKEND_PORT, with
#                HOMECARE_WORKERS workers that keep the pages' state in Redis
#   dispatchers  HOMECARE_DISPATCHERS processes of `python -m homecare.notify` sending the outbox
# Ctrl+C (or any of them ending) stops them all.

need_nginx() {
  if command -v nginx >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" = "0" ]; then
    say "Installing nginx from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "nginx is needed for the production set-up. Install it with: sudo apt-get install -y nginx" >&2
    exit 1
  fi
}

# The certificate for https: the operator's, or a self-signed one for localhost made for the trial.
trial_certificate() {
  local folder="$1"
  if [ -n "${HOMECARE_TLS_CERT_FILE:-}" ] && [ -n "${HOMECARE_TLS_KEY_FILE:-}" ]; then
    TLS_CERT="$HOMECARE_TLS_CERT_FILE"
    TLS_KEY="$HOMECARE_TLS_KEY_FILE"
    return
  fi
  TLS_CERT="$folder/localhost.crt"
  TLS_KEY="$folder/localhost.key"
  if [ ! -f "$TLS_CERT" ]; then
    say "Making a self-signed certificate for localhost (browsers will warn; for trying only)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$TLS_KEY" -out "$TLS_CERT" 2>/dev/null
    chmod 600 "$TLS_KEY"
  fi
}

# nginx's main configuration for the trial around deploy/nginx-site.conf, in the trial's own folder.
render_nginx() {
  local folder="$1" static_root="$2"
  mkdir -p "$folder/nginx/tmp"
  local server_name
  server_name="$(python -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).hostname)' \
    "$HOMECARE_PUBLIC_URL")"
  HC_BACKENDS="server 127.0.0.1:$BACKEND_PORT;" HC_LISTEN="$HTTPS_PORT" HC_SERVER_NAME="$server_name" \
    HC_TLS_CERT="$TLS_CERT" HC_TLS_KEY="$TLS_KEY" HC_STATIC_ROOT="$static_root" \
    HC_SECURITY_HEADERS="$(python -m homecare.security_headers "$static_root" | sed '2,$s/^/        /')" \
    python - "$ROOT/deploy/nginx-site.conf" "$folder/nginx/site.conf" <<'PY'
import os
import re
import sys

template = open(sys.argv[1], encoding="utf-8").read()
# Only our ${HC_...} names: nginx's own $variables stay as they are.
rendered = re.sub(r"\$\{(HC_[A-Z_]+)\}", lambda name: os.environ[name.group(1)], template)
open(sys.argv[2], "w", encoding="utf-8").write(rendered)
PY
  local user_line=""
  # As root nginx's workers would run as nobody, who may not read a private checkout.
  [ "$(id -u)" = "0" ] && user_line="user root;"
  cat > "$folder/nginx/nginx.conf" <<EOF
$user_line
worker_processes auto;
pid $folder/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path $folder/nginx/tmp/body;
    proxy_temp_path $folder/nginx/tmp/proxy;
    fastcgi_temp_path $folder/nginx/tmp/fastcgi;
    uwsgi_temp_path $folder/nginx/tmp/uwsgi;
    scgi_temp_path $folder/nginx/tmp/scgi;
    include $folder/nginx/site.conf;
}
EOF
}

stop_production() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

run_production() {
  export HOMECARE_ENV=production
  HTTPS_PORT="${HOMECARE_HTTPS_PORT:-8443}"
  BACKEND_PORT="${HOMECARE_BACKEND_PORT:-8000}"
  local workers="${HOMECARE_WORKERS:-$(nproc)}" dispatchers="${HOMECARE_DISPATCHERS:-2}"
  local folder="$ROOT/data/production"

  need_python
  install_python_packages
  export PATH="$VENV/bin:$PATH"
  export REFLEX_TELEMETRY_ENABLED=false
  cd "$ROOT"
  say "Checking the settings"
  python -m homecare.preflight
  need_nginx
  install_bun
  export NPM_CONFIG_OMIT_LOCKFILE_REGISTRY_RESOLVED=true NPM_CONFIG_UPDATE_NOTIFIER=false

  say "Migrating the database"
  alembic upgrade head

  say "Exporting the frontend as static files"
  # The browser talks to the public address; nginx forwards its events and routes to the backend.
  REFLEX_API_URL="$HOMECARE_PUBLIC_URL" reflex export --frontend-only --no-zip --env prod >/dev/null
  mkdir -p "$folder"
  chmod 700 "$folder"
  trial_certificate "$folder"
  render_nginx "$folder" "$ROOT/.web/build/client"
  nginx -t -q -e stderr -p "$folder/nginx" -c "$folder/nginx/nginx.conf"

  # Each worker writes its metrics here; a scrape of any worker sums them. Fresh for every start.
  export PROMETHEUS_MULTIPROC_DIR="$folder/metrics"
  rm -rf "$PROMETHEUS_MULTIPROC_DIR"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

  PIDS=()
  trap stop_production EXIT INT TERM
  say "Starting $dispatchers notification dispatchers"
  for _ in $(seq "$dispatchers"); do
    setsid python -m homecare.notify &
    PIDS+=("$!")
  done
  say "Starting the backend on 127.0.0.1:$BACKEND_PORT with $workers workers"
  # nginx is the one proxy in front: the client's address is the last it adds to X-Forwarded-For.
  # A backend that dies is started again (as systemd's Restart=always would): the pages connect again.
  # REFLEX_LOG_JSON: Reflex's own records (and anything else the workers print) as JSON lines too.
  HOMECARE_DISPATCHER_IN_APP=0 GRANIAN_WORKERS="$workers" REFLEX_API_URL="$HOMECARE_PUBLIC_URL" REFLEX_LOG_JSON=true \
    HOMECARE_PROXY_HOPS="${HOMECARE_PROXY_HOPS:-1}" BACKEND_PORT="$BACKEND_PORT" setsid bash -c '
      while true; do
        reflex run --env prod --backend-only --backend-host 127.0.0.1 --backend-port "$BACKEND_PORT"
        echo "The backend ended (exit $?); starting it again" >&2
        sleep 1
      done' &
  PIDS+=("$!")
  say "Starting nginx: the portal is on $HOMECARE_PUBLIC_URL (Ctrl+C stops everything)"
  setsid nginx -e stderr -p "$folder/nginx" -c "$folder/nginx/nginx.conf" -g "daemon off;" &
  PIDS+=("$!")
  # When one of them ends, the set-up is broken: stop the others too.
  local status=0
  wait -n || status=$?
  say "A process of the production set-up ended (exit $status); stopping the others"
  stop_production
  return "$status"
}
