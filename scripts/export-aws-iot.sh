#!/usr/bin/env bash
# Exports an AWS IoT account (registry, policies, CAs and certificates without private keys, Device
# Defender Detect and Audit settings, topic rules) into a directory of JSON files, each exactly as
# the AWS CLI prints it, for `vigil import aws <dir>`. Read-only: it calls only list-/describe-/get-
# commands. Needs the AWS CLI (v1 or v2) with credentials for the account, and jq.
#
#   scripts/export-aws-iot.sh <out-dir> [--region eu-west-1] [--profile name]
#
# Layout (docs/migrate-from-aws.md):
#   account.json                      {"region": "...", "accountId": "..."} (sts get-caller-identity)
#   things.json                       aws iot list-things
#   things/<thing>.json               aws iot describe-thing
#   things/<thing>.principals.json    aws iot list-thing-principals
#   thing-groups.json                 aws iot list-thing-groups
#   thing-groups/<group>.json         aws iot describe-thing-group
#   thing-groups/<group>.things.json  aws iot list-things-in-thing-group
#   policies.json                     aws iot list-policies
#   policies/<policy>.json            aws iot get-policy
#   policies/<policy>.targets.json    aws iot list-targets-for-policy
#   ca-certificates.json              aws iot list-ca-certificates
#   ca-certificates/<id>.json         aws iot describe-ca-certificate
#   certificates.json                 aws iot list-certificates
#   certificates/<id>.json            aws iot describe-certificate
#   security-profiles.json            aws iot list-security-profiles
#   security-profiles/<name>.json     aws iot describe-security-profile
#   security-profiles/<name>.targets.json  aws iot list-targets-for-security-profile
#   custom-metrics/<name>.json        aws iot describe-custom-metric
#   dimensions/<name>.json            aws iot describe-dimension
#   audit-configuration.json          aws iot describe-account-audit-configuration
#   scheduled-audits/<name>.json      aws iot describe-scheduled-audit
#   mitigation-actions/<name>.json    aws iot describe-mitigation-action
#   topic-rules/<name>.json           aws iot get-topic-rule
set -euo pipefail

usage() { echo "usage: $0 <out-dir> [--region REGION] [--profile PROFILE]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out=$1
shift
aws_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --region | --profile) [ $# -ge 2 ] || usage; aws_args+=("$1" "$2"); shift 2 ;;
    --endpoint-url) [ $# -ge 2 ] || usage; iot_args=("$1" "$2"); shift 2 ;;
    *) usage ;;
  esac
done
iot_args=(${iot_args[@]+"${iot_args[@]}"})
command -v aws >/dev/null || { echo "$0: the aws CLI is not installed" >&2; exit 1; }
command -v jq >/dev/null || { echo "$0: jq is not installed" >&2; exit 1; }

export AWS_PAGER=''
iot() { aws iot "$@" ${aws_args[@]+"${aws_args[@]}"} ${iot_args[@]+"${iot_args[@]}"} --output json; }
# Writes one command's output; a failure is recorded next to it and the export goes on.
save() {
  local file=$1
  shift
  mkdir -p "$(dirname "$out/$file")"
  if ! iot "$@" >"$out/$file.tmp" 2>"$out/$file.err"; then
    echo "warning: aws iot $* failed: $(tr '\n' ' ' <"$out/$file.err")" >&2
    rm -f "$out/$file.tmp"
    return 0
  fi
  mv "$out/$file.tmp" "$out/$file"
  rm -f "$out/$file.err"
}
names() { [ -f "$out/$1" ] && jq -r "$2" "$out/$1" || true; }

mkdir -p "$out"
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
for ((i = 0; i < ${#aws_args[@]}; i += 2)); do [ "${aws_args[i]}" = --region ] && region=${aws_args[i + 1]}; done
[ -n "$region" ] || region=$(aws configure get region ${aws_args[@]+"${aws_args[@]}"} 2>/dev/null || true)
account=$(aws sts get-caller-identity ${aws_args[@]+"${aws_args[@]}"} --query Account --output text 2>/dev/null || echo "")
jq -n --arg region "$region" --arg accountId "$account" '{region: $region, accountId: $accountId}' >"$out/account.json"

save things.json list-things
for thing in $(names things.json '.things[].thingName'); do
  save "things/$thing.json" describe-thing --thing-name "$thing"
  save "things/$thing.principals.json" list-thing-principals --thing-name "$thing"
done
save thing-groups.json list-thing-groups
for group in $(names thing-groups.json '.thingGroups[].groupName'); do
  save "thing-groups/$group.json" describe-thing-group --thing-group-name "$group"
  save "thing-groups/$group.things.json" list-things-in-thing-group --thing-group-name "$group"
done
save policies.json list-policies
for policy in $(names policies.json '.policies[].policyName'); do
  save "policies/$policy.json" get-policy --policy-name "$policy"
  save "policies/$policy.targets.json" list-targets-for-policy --policy-name "$policy"
done
save ca-certificates.json list-ca-certificates
for id in $(names ca-certificates.json '.certificates[].certificateId'); do save "ca-certificates/$id.json" describe-ca-certificate --certificate-id "$id"; done
save certificates.json list-certificates
for id in $(names certificates.json '.certificates[].certificateId'); do save "certificates/$id.json" describe-certificate --certificate-id "$id"; done

save security-profiles.json list-security-profiles
for profile in $(names security-profiles.json '.securityProfileIdentifiers[].name'); do
  save "security-profiles/$profile.json" describe-security-profile --security-profile-name "$profile"
  save "security-profiles/$profile.targets.json" list-targets-for-security-profile --security-profile-name "$profile"
done
save custom-metrics.json list-custom-metrics
for metric in $(names custom-metrics.json '.metricNames[]'); do save "custom-metrics/$metric.json" describe-custom-metric --metric-name "$metric"; done
save dimensions.json list-dimensions
for dimension in $(names dimensions.json '.dimensionNames[]'); do save "dimensions/$dimension.json" describe-dimension --name "$dimension"; done
save audit-configuration.json describe-account-audit-configuration
save scheduled-audits.json list-scheduled-audits
for audit in $(names scheduled-audits.json '.scheduledAudits[].scheduledAuditName'); do save "scheduled-audits/$audit.json" describe-scheduled-audit --scheduled-audit-name "$audit"; done
save mitigation-actions.json list-mitigation-actions
for action in $(names mitigation-actions.json '.actionIdentifiers[].actionName'); do save "mitigation-actions/$action.json" describe-mitigation-action --action-name "$action"; done
save topic-rules.json list-topic-rules
for rule in $(names topic-rules.json '.rules[].ruleName'); do save "topic-rules/$rule.json" get-topic-rule --rule-name "$rule"; done

echo "exported account ${account:-?} (${region:-?}) to $out"
