#!/usr/bin/env bash
# Installs the Debian packages acosim needs to build, test, plot and benchmark.
# Installs only what `dpkg -s` reports missing, so a prepared machine needs no network.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config
  libeigen3-dev libboost-dev libhdf5-dev hdf5-tools catch2 librandom123-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev libxlsxwriter-dev
  libopenmpi-dev openmpi-bin libbenchmark-dev
  python3 python3-numpy python3-h5py python3-matplotlib python3-pandas python3-scipy
  g++-aarch64-linux-gnu qemu-user
  python3-openpyxl chromium poppler-utils fonts-dejavu-core clang-format-14
  libreoffice-calc-nogui  # the workbook's LibreOffice round trip: 82 MB download, ~330 MB, ~30 s
  python3-dev pybind11-dev python3-pybind11 python3-pytest jupyter-nbconvert python3-ipykernel
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "acosim setup: installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
