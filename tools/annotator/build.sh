#!/bin/sh
# Build static/vendor/apache-annotator/annotator.min.js from the versions pinned in
# package.json and package-lock.json (npm ci installs exactly those; node_modules is not kept).
# Run from anywhere: sh tools/annotator/build.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../static/vendor/apache-annotator"
cd "$here"
npm ci --no-audit --no-fund
mkdir -p "$out"
npx --no-install esbuild entry.js --bundle --minify --format=iife \
  --global-name=ApacheAnnotator --target=es2019 --legal-comments=eof \
  --outfile="$out/annotator.min.js"
cp node_modules/@apache-annotator/dom/package.json "$out/dom.package.json"
cp "$here/LICENSE-NOTE.txt" "$out/README.txt"
echo "built $out/annotator.min.js"
