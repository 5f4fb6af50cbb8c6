#!/usr/bin/env bash
# `terraform providers schema -json` lists every resource, data source,
# ephemeral resource and function of DESIGN §3, and equals the golden file
# schema/provider-schema.golden.json (after `jq -S .`).
# Regenerate the golden file with .goreleaser-free-scripts/update-golden-schema.sh.
source "$(dirname "$0")/lib.sh"

cfg="$(copy_config "$REPO_ROOT/acceptance/small")"
json="$WORK/schema.json"
if ! "$TERRAFORM" -chdir="$cfg" providers schema -json >"$json" 2>"$WORK/schema.err"; then
  cat "$WORK/schema.err" >&2
  die "terraform providers schema -json failed"
fi
jq -e . "$json" >/dev/null || die "the output is not JSON"

P='.provider_schemas["registry.terraform.io/encoredev/encore"]'
jq -e "$P" "$json" >/dev/null || die "no schema for registry.terraform.io/encoredev/encore"

check_list() {
  local what="$1" key="$2"
  shift 2
  local got
  got="$(jq -r "$P.$key // {} | keys[]" "$json" | sort | tr '\n' ' ')"
  for name in "$@"; do
    jq -e --arg n "$name" "$P.$key // {} | has(\$n)" "$json" >/dev/null || fail "$what $name is missing (got: $got)"
  done
  local want
  want="$(printf '%s\n' "$@" | sort | tr '\n' ' ')"
  [ "$got" = "$want" ] || fail "$what: got [$got], want exactly [$want]"
}
check_list resource resource_schemas \
  encore_app encore_environment encore_primary_environment encore_secret encore_infra_override
check_list "data source" data_source_schemas \
  encore_app encore_environment encore_environments encore_sql_database encore_pubsub_topic \
  encore_pubsub_subscription encore_cache encore_bucket encore_service encore_gateway
check_list "ephemeral resource" ephemeral_resource_schemas encore_database_credentials
check_list function functions connection_string service_url

# Provider configuration (DESIGN §3).
for a in agent token ca_cert app env force_conflicts; do
  jq -e --arg a "$a" "$P.provider.block.attributes | has(\$a)" "$json" >/dev/null || fail "provider configuration has no attribute $a"
done
jq -e "$P.provider.block.attributes.token.sensitive == true" "$json" >/dev/null || fail "provider token is not sensitive"

# A few facts of §3 that the schema must show.
jq -e "$P.resource_schemas.encore_secret.block.attributes.values.sensitive == true" "$json" >/dev/null ||
  fail "encore_secret.values is not sensitive"
jq -e "$P.resource_schemas.encore_secret.block.attributes.values_wo.write_only == true" "$json" >/dev/null ||
  fail "encore_secret.values_wo is not write-only"
jq -e "$P.resource_schemas.encore_environment.block.attributes.url.computed == true" "$json" >/dev/null ||
  fail "encore_environment.url is not computed"
jq -e "$P.resource_schemas.encore_environment.block.block_types | has(\"process_group\") and has(\"deploy\") and has(\"compute\") and has(\"database\")" "$json" >/dev/null ||
  fail "encore_environment lacks a block of deploy/process_group/compute/database"
# Every attribute and block has a description (docs are generated from them).
missing="$(jq -r "$P | [paths(objects and has(\"description_kind\") and ((.description // \"\") == \"\"))] | map(map(tostring) | join(\".\")) | join(\", \")" "$json")"
[ -z "$missing" ] || fail "attributes or blocks without a description: $missing"
nofn="$(jq -r "$P.functions // {} | to_entries[] | select((.value.description // \"\") == \"\" or any(.value.parameters[]?; (.description // \"\") == \"\")) | .key" "$json")"
[ -z "$nofn" ] || fail "functions without a description (or with an undocumented parameter): $nofn"

golden="$REPO_ROOT/schema/provider-schema.golden.json"
if [ ! -f "$golden" ]; then
  fail "golden file $golden is missing (run .goreleaser-free-scripts/update-golden-schema.sh)"
else
  jq -S . "$json" >"$WORK/got.json"
  jq -S . "$golden" >"$WORK/want.json"
  if ! diff -u "$WORK/want.json" "$WORK/got.json" >"$WORK/schema.diff"; then
    fail "the schema differs from schema/provider-schema.golden.json (if the change is intended, run .goreleaser-free-scripts/update-golden-schema.sh):"
    head -n 80 "$WORK/schema.diff" >&2
  fi
fi
finish
