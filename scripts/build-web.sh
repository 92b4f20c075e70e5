#!/usr/bin/env bash
# Rebuild the web page's static assets from the npm registry:
#   src/dckg/api/static/yasgui/  the YASGUI SPARQL editor (minified bundle + CSS + licences)
#   src/dckg/api/static/world.svg  land outlines for the entity pages' maps (Natural Earth 1:110m)
#   src/dckg/api/static/swagger-ui/  Swagger UI for /docs (bundle + CSS + licence)
# The built files are committed, so running the server never needs npm or a network.
# Needs node and npm; run from anywhere: bash scripts/build-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
YASGUI_VERSION=4.6.2
WORLD_ATLAS_VERSION=2.0.2
SWAGGER_UI_VERSION=5.35.0
STATIC=src/dckg/api/static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(
  cd "$work"
  npm init -y >/dev/null
  npm install --silent --no-audit --no-fund --ignore-scripts \
    "@zazuko/yasgui@${YASGUI_VERSION}" "world-atlas@${WORLD_ATLAS_VERSION}" \
    "swagger-ui-dist@${SWAGGER_UI_VERSION}"
)

mkdir -p "$STATIC/yasgui"
cp "$work/node_modules/@zazuko/yasgui/build/yasgui.min.js" "$STATIC/yasgui/"
cp "$work/node_modules/@zazuko/yasgui/build/yasgui.min.css" "$STATIC/yasgui/"
# The bundle carries no licence text: gather the licences of everything it was built from.
python3 scripts/web_assets.py licences "$work/node_modules" "$STATIC/yasgui/THIRD_PARTY_LICENSES.txt"
python3 scripts/web_assets.py world "$work/node_modules/world-atlas/countries-110m.json" "$STATIC/world.svg"
swagger="$work/node_modules/swagger-ui-dist"
mkdir -p "$STATIC/swagger-ui"
# Without its source-map comment: the map is not shipped.
sed '/^\/\/# sourceMappingURL=/d' "$swagger/swagger-ui-bundle.js" >"$STATIC/swagger-ui/swagger-ui-bundle.js"
sed '/^\/\*# sourceMappingURL=/d' "$swagger/swagger-ui.css" >"$STATIC/swagger-ui/swagger-ui.css"
cat "$swagger/LICENSE" "$swagger/NOTICE" "$swagger/swagger-ui-bundle.js.LICENSE.txt" \
  >"$STATIC/swagger-ui/THIRD_PARTY_LICENSES.txt"
ls -l "$STATIC/yasgui" "$STATIC/swagger-ui" "$STATIC/world.svg"
