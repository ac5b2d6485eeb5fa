#!/usr/bin/env bash
# Builds the stand-in images of the real-engine test (npm run test:real) from Debian's packages, for machines where no
# public image can be pulled. Each stand-in honours only the contract the program relies on (README.md beside this):
#   <prefix>/debian:trixie    Debian trixie minbase, by debootstrap (the base of the others)
#   <prefix>/postgres:17      for postgres:17
#   <prefix>/flyway:11        for flyway/flyway:11 (Flyway's jars from Maven Central, as tools/flyway/pom.xml has them)
#   <prefix>/app:1, app:2     for an app image, two releases that answer with their number
#   <prefix>/sqlapp:1         an app that runs SQL on its database on every request (the contract phase's test)
# Idempotent: an image whose inputs are unchanged (a hash of its build files, in the label library.standin.hash) is
# not rebuilt. Needs docker (an engine that answers), debootstrap, Maven and Java. Environment:
#   STANDIN_PREFIX          image name prefix (default library-standin)
#   STANDIN_DEBIAN_MIRROR   Debian mirror for debootstrap (default: the machine's own, else http://deb.debian.org/debian)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
prefix="${STANDIN_PREFIX:-library-standin}"
suite=trixie

need() {
    if ! command -v "$1" > /dev/null 2>&1; then
        echo "standins: '$1' is not installed; $2" >&2
        exit 1
    fi
}
need docker "install Docker (Debian: apt-get install docker.io)"
need debootstrap "install it (Debian: apt-get install debootstrap)"
need mvn "install Maven 3.6+ (Debian: apt-get install maven)"
docker info > /dev/null 2>&1 || { echo "standins: no Docker engine answers ('docker info' fails); start dockerd" >&2; exit 1; }

# The mirror this machine's apt uses (deb822 sources or a classic sources.list line), so debootstrap reaches the same
# place apt-get does.
machine_mirror() {
    grep -hoE '^(URIs:[[:space:]]*|deb[[:space:]]+)https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
        /etc/apt/sources.list /etc/apt/sources.list.d/* 2> /dev/null | grep -oE 'https?://[^[:space:]]+' | head -n 1
}
mirror="${STANDIN_DEBIAN_MIRROR:-$(machine_mirror || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"

hash_of() { # files or folders, plus extra words: a stable hash of their content
    local paths=() words=()
    for a in "$@"; do if [ -e "$a" ]; then paths+=("$a"); else words+=("$a"); fi; done
    {
        if [ "${#paths[@]}" -gt 0 ]; then
            find "${paths[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|$repo/||"
        fi
        printf '%s\n' "${words[@]}"
    } | sha256sum | cut -c1-16
}
current() { # image hash: the label of an existing image, or nothing
    docker image inspect -f '{{index .Config.Labels "library.standin.hash"}}' "$1" 2> /dev/null || true
}

base="$prefix/debian:$suite"
base_hash="$(hash_of "$suite" "$mirror")"
if [ "$(current "$base")" != "$base_hash" ]; then
    echo "standins: debootstrap $suite from $mirror"
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.log" 2>&1 || {
        tail -n 20 "$root.log" >&2
        echo "standins: debootstrap failed (full log: $root.log)" >&2
        exit 1
    }
    rm -f "$root.log"
    tar -C "$root" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change "LABEL library.standin.hash=$base_hash" - "$base" > /dev/null
    rm -rf "$root"
    trap - EXIT
fi
base_id="$(docker image inspect -f '{{.Id}}' "$base")"

build() { # image context hash [build args...]
    local image="$1" context="$2" hash="$3"
    shift 3
    if [ "$(current "$image")" = "$hash" ]; then
        echo "standins: $image is up to date"
        return
    fi
    echo "standins: building $image"
    local log
    log="$(mktemp)"
    if ! docker build --build-arg "BASE=$base" "$@" --label "library.standin.hash=$hash" -t "$image" "$context" > "$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "standins: building $image failed (full log: $log)" >&2
        exit 1
    fi
    rm -f "$log"
}

build "$prefix/postgres:17" "$here/postgres" "$(hash_of "$here/postgres" "$base_id")"

# Flyway: the jars come from Maven (into its cache, then a temporary build context), exactly as the SQL tests get them.
flyway_hash="$(hash_of "$here/flyway" "$repo/tools/flyway/pom.xml" "$base_id")"
if [ "$(current "$prefix/flyway:11")" != "$flyway_hash" ]; then
    context="$(mktemp -d)"
    cp -r "$here/flyway/." "$context/"
    if ! mvn -q -B -Dstyle.color=never -f "$repo/tools/flyway/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$context/lib" > "$context.log" 2>&1; then
        cat "$context.log" >&2
        echo "standins: Maven could not copy Flyway's jars (tools/flyway/pom.xml)" >&2
        exit 1
    fi
    rm -f "$context.log"
    build "$prefix/flyway:11" "$context" "$flyway_hash"
    rm -rf "$context"
else
    echo "standins: $prefix/flyway:11 is up to date"
fi

for version in 1 2; do
    build "$prefix/app:$version" "$here/app" "$(hash_of "$here/app" "$base_id" "$version")" --build-arg "VERSION=$version"
done
build "$prefix/sqlapp:1" "$here/sqlapp" "$(hash_of "$here/sqlapp" "$base_id")"
