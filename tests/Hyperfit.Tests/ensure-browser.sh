#!/usr/bin/env bash
# Run by the test project before it builds (see Hyperfit.Tests.csproj): the annotation app's browser tests drive
# Debian's Chromium. Installs it when it is missing and we are root (a fresh Debian 12 machine, CI); otherwise says
# exactly what to install. Never downloads a browser of its own.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: /usr/bin/chromium is missing; installing Debian's chromium (apt-get install -y --no-install-recommends chromium)"
  export DEBIAN_FRONTEND=noninteractive
  # One installer at a time if several builds start together.
  exec 9>/tmp/hyperfit-ensure-browser.lock
  flock 9
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null \
      || echo "ensure-browser: warning: installing chromium failed; the browser tests will fail until 'apt-get install -y --no-install-recommends chromium' succeeds"
  fi
else
  echo "ensure-browser: warning: /usr/bin/chromium is missing and this is not a root shell with apt-get; the browser tests need it: sudo apt-get install -y --no-install-recommends chromium"
fi
exit 0
