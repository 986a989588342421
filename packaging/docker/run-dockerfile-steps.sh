#!/usr/bin/env bash
# Runs the Dockerfile's steps without a Docker daemon, to prove they work (CI has no daemon).
#
# Each stage gets its own directory standing in for the image's root file system; absolute paths
# in COPY, WORKDIR, RUN and ENV are moved under it, and npm's global prefix is the stage's
# /usr/local. COPY honours .dockerignore; COPY --from copies between stage roots. RUN steps that
# install Debian packages check that the packages are present (installing them when they are not).
# Finally the last stage's ENTRYPOINT + CMD runs with the image's ENV (ports moved to ephemeral
# ones): it must serve its API over TLS, answer `vigil thing list`, and exit 0 on SIGTERM.
#
# usage: packaging/docker/run-dockerfile-steps.sh [DOCKERFILE] [CONTEXT]
set -euo pipefail
dockerfile=$(realpath "${1:-Dockerfile}")
context=$(realpath "${2:-$(dirname "$dockerfile")}")
work=$(mktemp -d /tmp/vigil-dockerfile.XXXXXX)
cleanup() {
  if [ -n "${server_pid:-}" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
echo "== Dockerfile steps of $dockerfile (context $context) in $work"

# Joined instruction lines (continuations folded, comments dropped).
instructions=$(sed -e 's/^[[:space:]]*#.*$//' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | grep -v '^[[:space:]]*$')

stage=''
root=''
workdir='/'
declare -A stage_root
declare -a env_names=()
declare -A env_values
entrypoint=''
cmd=''
n=0

# Absolute paths under these folders are moved into the stage root.
map_paths() { sed -E "s#(^|[[:space:]=:\"'\\[])/(usr/local|tmp|src|var|etc|opt|app|home)([/[:space:]\"']|$)#\\1${root}/\\2\\3#g" <<<"$1"; }

run_in_stage() {
  local command=$1
  (
    cd "$root$workdir"
    for name in "${env_names[@]}"; do export "$name=${env_values[$name]}"; done
    export npm_config_prefix="$root/usr/local" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    export PATH="$root/usr/local/bin:$PATH"
    bash -euo pipefail -c "$command"
  )
}

while IFS= read -r line; do
  keyword=$(awk '{print toupper($1)}' <<<"$line")
  args=$(sed -E 's/^[[:space:]]*[A-Za-z]+[[:space:]]+//' <<<"$line")
  case "$keyword" in
    FROM)
      n=$((n + 1))
      stage=$(sed -nE 's/.*[[:space:]][Aa][Ss][[:space:]]+([^[:space:]]+).*/\1/p' <<<"$args")
      [ -n "$stage" ] || stage="stage$n"
      root="$work/$stage"
      # What every Debian-based Node image has.
      mkdir -p "$root/usr/local/bin" "$root/usr/local/lib" "$root/tmp" "$root/var/lib" "$root/etc"
      stage_root[$stage]=$root
      workdir='/'
      env_names=()
      env_values=()
      echo "-- FROM $args (root $root)"
      ;;
    WORKDIR)
      workdir=$args
      mkdir -p "$root$workdir"
      echo "-- WORKDIR $workdir"
      ;;
    ENV)
      # ENV a=b c=d (values without spaces)
      for pair in $args; do
        name=${pair%%=*}
        value=$(map_paths "${pair#*=}")
        env_names+=("$name")
        env_values[$name]=$value
      done
      echo "-- ENV $args"
      ;;
    COPY)
      if [[ "$args" == --from=* ]]; then
        from=$(sed -E 's/^--from=([^[:space:]]+).*/\1/' <<<"$args")
        read -r _ src dest <<<"$args"
        mkdir -p "$(dirname "$root$dest")"
        cp -a "${stage_root[$from]}$src" "$root$dest"
        echo "-- COPY --from=$from $src $dest"
      else
        read -r src dest <<<"$args"
        target=$root$workdir
        [[ "$dest" == /* ]] && target=$root$dest
        mkdir -p "$target"
        excludes=()
        if [ -f "$context/.dockerignore" ]; then
          while IFS= read -r pattern; do
            [[ -z "$pattern" || "$pattern" == \#* ]] && continue
            excludes+=("--exclude=./$pattern")
          done <"$context/.dockerignore"
        fi
        (cd "$context/$src" && tar --anchored "${excludes[@]}" -cf - .) | (cd "$target" && tar -xf -)
        echo "-- COPY $src $dest ($(find "$target" -type f | wc -l) files)"
      fi
      ;;
    RUN)
      if grep -q 'apt-get install' <<<"$args"; then
        packages=$(sed -nE 's/.*apt-get install[^&]*-y[[:space:]]+(--no-install-recommends[[:space:]]+)?([^&]+).*/\2/p' <<<"$args")
        missing=''
        for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
        if [ -n "$missing" ]; then
          echo "-- RUN apt-get: installing$missing"
          apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
        else
          echo "-- RUN apt-get: $packages already installed"
        fi
        continue
      fi
      command=$(map_paths "$args")
      if grep -q 'chown node:node' <<<"$command" && ! id node >/dev/null 2>&1; then
        # The image has the `node` user; this machine may not.
        command=$(sed -E 's/chown node:node[^&;]*/true/' <<<"$command")
      fi
      echo "-- RUN $args"
      started=$(date +%s)
      run_in_stage "$command"
      echo "   ($(($(date +%s) - started)) s)"
      ;;
    ENTRYPOINT) entrypoint=$args ;;
    CMD) cmd=$args ;;
    USER | VOLUME | EXPOSE | STOPSIGNAL | LABEL | ARG) echo "-- $keyword $args (metadata)" ;;
    *) echo "unsupported Dockerfile instruction: $keyword" >&2; exit 1 ;;
  esac
done <<<"$instructions"

# The image's command: JSON arrays of ENTRYPOINT and CMD.
argv=$(node -e 'const [e, c] = process.argv.slice(1).map((s) => (s === "" ? [] : JSON.parse(s))); console.log([...e, ...c].join("\n"))' "$entrypoint" "$cmd")
mapfile -t command <<<"$argv"
binary="$root/usr/local/bin/${command[0]}"
[ -x "$binary" ] || { echo "the image's entrypoint ${command[0]} is not at /usr/local/bin" >&2; exit 1; }
echo "== the image's command: ${command[*]}"
(
  for name in "${env_names[@]}"; do export "$name=${env_values[$name]}"; done
  # Same interfaces as the image, ephemeral ports (nothing else on this machine may collide).
  export VIGIL_API_LISTEN=0.0.0.0:0 VIGIL_HEC_LISTEN=0.0.0.0:0 VIGIL_MQTT_LISTEN=0.0.0.0:0
  cd "$work"
  exec "$binary" "${command[@]:1}"
) >"$work/up.out" 2>"$work/up.err" &
server_pid=$!
data_dir=${env_values[VIGIL_DATA_DIR]}
for _ in $(seq 1 120); do
  [ -f "$data_dir/run/endpoints.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the image's command exited during start-up:" >&2; cat "$work/up.out" "$work/up.err" >&2; exit 1; }
  sleep 0.5
done
[ -f "$data_dir/run/endpoints.json" ] || { echo "no endpoints.json after 60 s" >&2; exit 1; }
grep -q '"api": "https://' "$data_dir/run/endpoints.json" || { echo "the API does not speak HTTPS:" >&2; cat "$data_dir/run/endpoints.json" >&2; exit 1; }
grep -q 'api TLS certificate SHA-256 ' "$work/up.out" || { echo "no certificate fingerprint printed" >&2; exit 1; }
VIGIL_DATA_DIR=$data_dir "$binary" thing list >/dev/null
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=''
[ "$status" -eq 0 ] || { echo "the image's command exited $status on SIGTERM" >&2; tail -n 20 "$work/up.err" >&2; exit 1; }
echo "Dockerfile steps ok: built, installed, served HTTPS from the image's layout and stopped with exit 0"
