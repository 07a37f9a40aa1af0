#!/usr/bin/env bash
# Runs promtool with the given arguments, or skips (exit 77) when it is not installed.
command -v promtool >/dev/null || { echo "SKIP: promtool not installed (Debian package prometheus)"; exit 77; }
exec promtool "$@"
