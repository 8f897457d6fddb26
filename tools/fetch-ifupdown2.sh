#!/usr/bin/env bash
# Fetch Debian's ifupdown2 package and unpack it (never install it): its parser is the
# differential oracle of tests/test_ifupdown_oracle.py.
#   NETDOC_IFUPDOWN2_DIR   where to unpack (default: tools/ifupdown2, git-ignored); the test reads
#                          the same variable. An existing unpacked tree is kept as it is.
#   NETDOC_IFUPDOWN2_DEB   use this .deb file instead of downloading one.
# Needs apt-get and dpkg-deb (Debian/Ubuntu); `apt-get update` runs only when the download fails.
set -euo pipefail
cd "$(dirname "$0")/.."

dest="${NETDOC_IFUPDOWN2_DIR:-tools/ifupdown2}"
marker="$dest/usr/share/ifupdown2/ifupdown/networkinterfaces.py"
if [ -f "$marker" ]; then
    echo "fetch-ifupdown2: already unpacked in $dest ($(cat "$dest/VERSION" 2>/dev/null || echo unknown))"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # lets apt's unprivileged _apt user write the download when run as root

deb="${NETDOC_IFUPDOWN2_DEB:-}"
if [ -z "$deb" ]; then
    command -v apt-get >/dev/null || { echo "fetch-ifupdown2: apt-get not found" >&2; exit 1; }
    if ! (cd "$tmp" && apt-get download -q ifupdown2 >/dev/null 2>&1); then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        (cd "$tmp" && apt-get download -q ifupdown2 >/dev/null)
    fi
    deb="$(ls "$tmp"/ifupdown2_*.deb)"
fi

mkdir -p "$dest"
dpkg-deb -x "$deb" "$tmp/root"
[ -f "$tmp/root/usr/share/ifupdown2/ifupdown/networkinterfaces.py" ] || {
    echo "fetch-ifupdown2: $deb does not hold ifupdown2's parser" >&2
    exit 1
}
cp -a "$tmp/root/." "$dest/"
dpkg-deb -f "$deb" Version >"$dest/VERSION"
echo "fetch-ifupdown2: ifupdown2 $(cat "$dest/VERSION") unpacked in $dest"
