#!/bin/sh
# Installs the benchmarks' HTTP load generator: Debian's wrk (C, event-driven,
# scripted in Lua), which keeps tens of thousands of requests/s on one thread,
# so it is never the bottleneck of a Python service on the same machine.
set -eu
if command -v wrk >/dev/null 2>&1; then
    wrk --version 2>&1 | head -n 1 || true
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get install -y --no-install-recommends wrk
