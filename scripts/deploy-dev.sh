#!/usr/bin/env bash
# Deploys the dev stack to the local Docker engine, with Pulumi's state in .pulumi-state/ next to the code.
# Extra arguments go to `pulumi up` (e.g. --yes, --diff). Set PULUMI_BACKEND_URL to use another backend.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
    echo "deploy-dev: cannot reach a Docker engine (is it running? is DOCKER_HOST right?)." >&2
    exit 1
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    mkdir -p .pulumi-state
    export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
fi
# The local backend encrypts secrets with a passphrase. For a laptop's dev stack an empty one is allowed, on purpose
# and loudly; any shared stack must set PULUMI_CONFIG_PASSPHRASE (or use a cloud backend).
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    echo "deploy-dev: PULUMI_CONFIG_PASSPHRASE is not set; using an empty passphrase for the local dev stack." >&2
    export PULUMI_CONFIG_PASSPHRASE=""
fi
export PULUMI_SKIP_UPDATE_CHECK=true

npx pulumi stack select --create dev --non-interactive
npx pulumi up --stack dev "$@"
