#!/usr/bin/env bash
# Prints the ConfigMaps that carry this repository's routes/ and config/ files into the pods, for
# `deploy/k8s/configmaps.sh | kubectl apply -f -` (then `kubectl rollout restart statefulset/enkash-card-routes`).
# Run it from anywhere; it reads the files next to it (../../routes, ../../config). Needs kubectl, no cluster.
set -euo pipefail
home="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$home"

# kubectl create configmap NAME --from-file=F... as YAML, labelled like the other objects
configmap() {
  local name="$1"
  shift
  echo "---"
  kubectl create configmap "$name" "$@" --dry-run=client -o yaml \
    | kubectl label --local -f - app.kubernetes.io/name=enkash-card-routes -o yaml
}

from_files() {
  local file
  for file in "$@"; do
    [[ -f "$file" ]] && printf -- '--from-file=%s\n' "$file"
  done
  return 0
}

# routes/*.camel.yaml -> /app/routes
mapfile -t routes < <(from_files routes/*.camel.yaml)
configmap enkash-card-routes-routes "${routes[@]}"
# config/application*.properties -> /app/config
mapfile -t properties < <(from_files config/application*.properties)
configmap enkash-card-routes-config "${properties[@]}"
# config/schema/card-request.schema.json -> /app/config/schema/ (the StatefulSet names the file)
configmap enkash-card-routes-schema --from-file=config/schema/card-request.schema.json
# config/mappings/* (partner layouts) -> /app/mappings (APP_MAPPINGS_DIR); empty when there are none
shopt -s nullglob
mapfile -t mappings < <(from_files config/mappings/*)
configmap enkash-card-routes-mappings "${mappings[@]}"
