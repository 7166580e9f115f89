#!/bin/sh
# Runs a test in its own network namespace with only a loopback interface, so
# that nothing it does can reach another address (and a DNS look-up fails at
# once instead of asking the system's resolver). Sets CWTAP_NETNS=1 inside.
# Where namespaces are not permitted, runs the test as is with CWTAP_NETNS=0.
if [ "${CWTAP_NETNS:-}" = 1 ]; then exec "$@"; fi
if unshare -n true 2>/dev/null; then
    exec unshare -n sh -c 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; CWTAP_NETNS=1 exec "$@"' sh "$@"
fi
CWTAP_NETNS=0 exec "$@"
