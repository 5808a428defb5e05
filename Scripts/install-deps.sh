#!/usr/bin/env bash
# Makes sure the C libraries Glimpse links are installed: OpenBLAS (CBLAS), libpng, libjpeg,
# and pkg-config, which the Swift package manager uses to find OpenBLAS.
# Installs them with apt-get when run as root; otherwise prints the exact command and stops.
set -euo pipefail

packages=(libopenblas-dev libpng-dev libjpeg-dev pkg-config)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "glimpse: missing C libraries: ${missing[*]}" >&2
    echo "glimpse: install OpenBLAS, libpng and libjpeg development packages with your system's package manager" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "glimpse: missing Debian packages: ${missing[*]}" >&2
    echo "glimpse: install them with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "glimpse: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "glimpse: installed ${missing[*]}"
