#!/bin/sh
# keyrite from the offline kit: runs the command line with this machine's Node.js, from any directory.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
kit=$(cd "$(dirname "$self")/.." && pwd)
exec node "$kit/src-main/cli/keyrite.cjs" "$@"
