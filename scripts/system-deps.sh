#!/usr/bin/env bash
# Debian tools the test suite needs. As root: installs what is missing with apt-get. Otherwise: stops
# and prints the one command that installs them.
set -euo pipefail
declare -A need=([chromium]=/usr/bin/chromium [gettext]=/usr/bin/msgfmt [softhsm2]=/usr/bin/softhsm2-util [opensc]=/usr/bin/pkcs11-tool [xmlsec1]=/usr/bin/xmlsec1 [nginx]=/usr/sbin/nginx [postgresql-client]=/usr/bin/pg_dump [tesseract-ocr]=/usr/bin/tesseract [tesseract-ocr-eng]=/usr/share/tesseract-ocr/5/tessdata/eng.traineddata [fonts-ocr-b]=/usr/share/fonts/opentype/ocr-b/OCRB.otf)
missing=()
for package in "${!need[@]}"; do
  [ -e "${need[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
