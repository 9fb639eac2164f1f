#!/usr/bin/env bash
# terraform init for one directory, offline when a local provider mirror is available.
#
#   scripts/terraform-init.sh DIR [extra terraform init arguments…]
#
# Provider source, first match wins:
#   1. $TF_PLUGIN_DIR, when set;
#   2. /opt/tf-plugins, when it exists (a plugin directory laid out as
#      registry.terraform.io/hashicorp/aws/<version>/<os_arch>/…);
#   3. the public registry (plain terraform init).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 DIR [terraform init arguments…]" >&2
  exit 2
fi

dir="$1"
shift

export CHECKPOINT_DISABLE=1

plugin_dir="${TF_PLUGIN_DIR:-}"
if [[ -z "$plugin_dir" && -d /opt/tf-plugins ]]; then
  plugin_dir=/opt/tf-plugins
fi

args=(-input=false -no-color)
if [[ -n "$plugin_dir" ]]; then
  args+=(-plugin-dir "$plugin_dir")
fi

exec terraform -chdir="$dir" init "${args[@]}" "$@"
