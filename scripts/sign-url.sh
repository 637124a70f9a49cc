#!/usr/bin/env bash
# Prints the signature of a variant URL, as imgproxy computes it: HMAC-SHA256 keyed with
# URL_SIGNING_KEY over URL_SIGNING_SALT followed by the signed text, URL_SIGNATURE_SIZE bytes,
# URL-safe base64 without padding (the first key/salt pair when several are configured).
#   path form:  scripts/sign-url.sh '/rs:fill:96:96/g:sm/plain/local:///avatars/ID@webp'
#               -> GET /variants/{signature}/rs:fill:96:96/g:sm/plain/local:///avatars/ID@webp
#   query form: scripts/sign-url.sh '/images/avatars/ID?w=320&f=webp'
#               -> GET /images/avatars/ID?w=320&f=webp&sig={signature}
set -euo pipefail
key=${URL_SIGNING_KEY%%,*}
salt=${URL_SIGNING_SALT%%,*}
{ printf "$(printf '%s' "$salt" | sed 's/../\\x&/g')"; printf '%s' "$1"; } |
  openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary |
  head -c "${URL_SIGNATURE_SIZE:-32}" | openssl base64 -A | tr '+/' '-_' | tr -d '='
echo
