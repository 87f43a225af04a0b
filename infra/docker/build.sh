#!/usr/bin/env bash
# npm run images:build [-- <deployable>…]: builds Agora's container images with podman, offline.
#   deployables: storefront vendor-portal ops-console workers payment-sim identity (default: all)
# 1. localhost/agora/base-node:20 (FROM scratch + this host's node and its libraries), if missing
#    or AGORA_REBUILD_BASE=1;
# 2. the build output: esbuild bundles (workers, payment-sim, identity), Next standalone servers
#    (AGORA_NEXT_STANDALONE=1), one at a time;
# 3. a small build context per deployable under .agora/images/context/, then `podman build`;
# 4. a table: image size, time to build and stage the output, time of `podman build`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/infra/docker"
work="$repo/.agora/images"
all=(storefront vendor-portal ops-console workers payment-sim identity)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

if ! command -v podman >/dev/null 2>&1; then
  echo "images:build needs podman, which is not installed." >&2
  echo "  Debian: apt-get install -y podman buildah catatonit runc" >&2
  exit 1
fi
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "unknown deployable \"$t\" (known: ${all[*]})" >&2; exit 2; }
done

# runc instead of crun, explicit ulimits, host network only (see containers.conf).
export CONTAINERS_CONF="$here/containers.conf"
export NEXT_TELEMETRY_DISABLED=1
mkdir -p "$work"
cd "$repo"

declare -A seconds staged
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ "${AGORA_REBUILD_BASE:-0}" = 1 ] || ! podman image exists localhost/agora/base-node:20; then
  start=$(now)
  "$here/base/build-rootfs.sh" "$work/base-rootfs"
  podman build -q --format docker -f "$here/base/base-node.Containerfile" \
    -t localhost/agora/base-node:20 "$work/base-rootfs" >/dev/null
  seconds[base-node]=$(elapsed "$start")
fi

# `next build` in the app folder with standalone output; its server, static files and public/
# side by side, plus the entry that maps HOST onto Next's HOSTNAME.
stage_next() {
  local app=$1 ctx="$work/context/$1"
  (cd "apps/$app" && AGORA_NEXT_STANDALONE=1 ../../node_modules/.bin/next build >"$work/$app-build.log" 2>&1) || {
    echo "next build of $app failed; log: $work/$app-build.log" >&2
    tail -20 "$work/$app-build.log" >&2
    exit 1
  }
  rm -rf "$ctx"
  cp -a "apps/$app/.next/standalone" "$ctx"
  # Next traces sources it reads at run time; their tests come along and belong in no image.
  find "$ctx" -name '*.test.ts' -type f -not -path "$ctx/node_modules/*" -delete
  cp -a "apps/$app/.next/static" "$ctx/apps/$app/.next/static"
  [ -d "apps/$app/public" ] && cp -a "apps/$app/public" "$ctx/apps/$app/public"
  cp "$here/next-server.mjs" "$ctx/apps/$app/next-server.mjs"
}

# esbuild bundle + the node_modules it leaves external.
stage_bundle() {
  local app=$1 ctx="$work/context/$1"
  npm run build -s -w "@agora/$app" >"$work/$app-build.log" 2>&1 || {
    echo "bundle of $app failed; log: $work/$app-build.log" >&2
    tail -20 "$work/$app-build.log" >&2
    exit 1
  }
  node_modules/.bin/tsx "$here/stage-node-modules.ts" "apps/$app" "$ctx"
}

for t in "${targets[@]}"; do
  echo "── $t"
  start=$(now)
  case $t in
    workers | payment-sim | identity) stage_bundle "$t" ;;
    *) stage_next "$t" ;;
  esac
  staged[$t]=$(elapsed "$start")
  start=$(now)
  # docker format: OCI images drop HEALTHCHECK.
  # The commit it was built from: the image test refuses an image older than the sources it runs.
  podman build -q --format docker -f "$here/$t.Containerfile" -t "localhost/agora/$t:latest" \
    --label "org.opencontainers.image.revision=$(git rev-parse HEAD)" \
    "$work/context/$t" >/dev/null
  seconds[$t]=$(elapsed "$start")
done

echo
printf '%-38s %8s %12s %12s\n' image size "output (s)" "image (s)"
for name in base-node "${targets[@]}"; do
  tag="localhost/agora/$name:latest"
  [ "$name" = base-node ] && tag=localhost/agora/base-node:20
  size=$(podman image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')
  printf '%-38s %8s %12s %12s\n' "$tag" "$size" "${staged[$name]:--}" "${seconds[$name]:-cached}"
done
