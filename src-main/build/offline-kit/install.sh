#!/bin/sh
# Installs this Keyrite kit with no network: checks every file against SHA256SUMS, checks that this
# machine's Node.js can load the SQLite module built into the kit, copies the kit to
# PREFIX/lib/keyrite-@VERSION@ and links PREFIX/bin/keyrite.
#
#   sh install.sh [--prefix DIR]      (default: /usr/local as root, ~/.local otherwise)
set -eu

fail() {
  echo "install: $1" >&2
  echo "  hint: $2" >&2
  exit 1
}

if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || fail "--prefix needs a directory" "sh install.sh --prefix /opt/keyrite"; prefix=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) fail "unknown option $1" "sh install.sh [--prefix DIR]" ;;
  esac
done
case $prefix in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac

kit=$(cd "$(dirname "$0")" && pwd)
cd "$kit"
command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is not installed" "install coreutils, then run install.sh again"
sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1 || fail "the kit's files do not match SHA256SUMS (damaged or altered)" "copy the archive again and compare its SHA-256 with the one printed when it was built"

command -v node >/dev/null 2>&1 || fail "Node.js is not installed" "install Node.js @NODE_MAJOR@ (the kit's SQLite module is built for NODE_MODULE_VERSION @ABI@)"
target=$(node -p 'process.platform + "-" + process.arch + " " + process.versions.modules')
[ "$target" = "@PLATFORM@ @ABI@" ] || fail "this kit is for @PLATFORM@ with Node.js @NODE_MAJOR@ (module version @ABI@); this machine has $target (Node.js $(node --version))" "build the kit on a machine with the same platform and Node.js major version (npm run kit), or install Node.js @NODE_MAJOR@ here"

dest="$prefix/lib/keyrite-@VERSION@"
[ ! -e "$dest" ] || fail "$dest already exists" "remove it first to reinstall (rm -rf '$dest')"
mkdir -p "$prefix/lib" "$prefix/bin"
tmp="$dest.installing.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp"
tar -cf - . | (cd "$tmp" && tar -xf -)
mv "$tmp" "$dest"
trap - EXIT
ln -sfn "$dest/bin/keyrite" "$prefix/bin/keyrite"

"$prefix/bin/keyrite" --version >/dev/null || fail "the installed keyrite does not start" "run $prefix/bin/keyrite --help and read its error"
echo "installed Keyrite @VERSION@ in $dest"
echo "command: $prefix/bin/keyrite"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it (export PATH=\"$prefix/bin:\$PATH\") or call $prefix/bin/keyrite" ;;
esac
