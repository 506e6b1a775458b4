#!/usr/bin/env bash
# Installs and caches code-server 4.100.3 (VS Code 1.100.3, the last line that runs on Node 20) and
# the Debian packages the real-VS Code test needs, following shared/reference/vscode-e2e-recipe.md.
# Only the npm registry and Debian's archive are used: no VS Code or browser download.
# Idempotent: a finished install leaves $CACHE/.done-<version> and is reused (a few minutes the first time).
set -euo pipefail

VERSION=4.100.3
CACHE="${MMLOCK_VSCODE_CACHE:-$HOME/.cache/mmlock-vscode}"
STAMP="$CACHE/.done-$VERSION"

need_pkgs=()
for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium g++ make python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  echo "install-code-server: apt-get install ${need_pkgs[*]}"
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ -x "$CACHE/node_modules/.bin/code-server" ]; then
  echo "install-code-server: cached in $CACHE"
  exit 0
fi

echo "install-code-server: installing code-server@$VERSION into $CACHE (takes a few minutes)"
mkdir -p "$CACHE"
cd "$CACHE"
[ -f package.json ] || echo '{"name":"mmlock-vscode-cache","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --save-exact "code-server@$VERSION"

cd node_modules/code-server/lib/vscode
npm_config_unsafe_perm=true npm install --omit=dev --ignore-scripts --no-audit --no-fund
# @vscode/ripgrep would download rg from GitHub: give it Debian's instead (it skips the download then).
mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm_config_unsafe_perm=true npm_config_yes=true npm rebuild --foreground-scripts >"$CACHE/rebuild.log" 2>&1 \
  || { tail -40 "$CACHE/rebuild.log"; exit 1; }
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm_config_unsafe_perm=true npm install --omit=dev --no-audit --no-fund >/dev/null)

# code-server's own postinstall would fail offline; its only native module left is argon2.
cd "$CACHE" && npm_config_yes=true npm_config_build_from_source=true npm rebuild argon2 >/dev/null
"$CACHE/node_modules/.bin/code-server" --version
touch "$STAMP"
echo "install-code-server: done"
