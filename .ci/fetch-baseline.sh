#!/usr/bin/env bash
# testbed.yml's baseline: the newest unexpired artifact NAME uploaded by a run on BRANCH of this
# repository, looked up by name through the REST API and downloaded into DIR. Non-fatal: when there is
# none (or the API cannot be reached) it says so in the job summary and sets found=false.
# Needs gh, GH_TOKEN (actions: read) and GITHUB_REPOSITORY. Usage: fetch-baseline.sh NAME BRANCH DIR
set -euo pipefail
name=${1-} branch=${2-} dir=${3-}
if [ -z "$name" ] || [ -z "$branch" ] || [ -z "$dir" ]; then
  echo "fetch-baseline: usage: fetch-baseline.sh ARTIFACT-NAME BRANCH DIR" >&2
  exit 2
fi
# Both reach a jq filter: plain names only.
for v in "$name" "$branch"; do
  [[ $v =~ ^[A-Za-z0-9._/-]+$ ]] || { echo "fetch-baseline: '$v' is not a plain artifact or branch name (letters, digits, . _ / -)" >&2; exit 2; }
done
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
output=${GITHUB_OUTPUT:-/dev/null}
note() { echo "$1" | tee -a "$summary" >&2; echo "found=false" >>"$output"; exit 0; }

# Newest first; the name filter is exact. Only runs of BRANCH count.
if ! run_id=$(gh api -X GET "repos/${GITHUB_REPOSITORY:?}/actions/artifacts" -f name="$name" -f per_page=100 \
  --jq "[.artifacts[] | select(.expired == false and .workflow_run.head_branch == \"$branch\")][0].workflow_run.id // empty"); then
  note "Baseline lookup failed (gh api, see the step log): no comparison this time."
fi
[ -n "$run_id" ] || note "No artifact '$name' from a successful run on $branch yet: nothing to compare with."
gh run download "$run_id" --name "$name" --dir "$dir" || note "Baseline artifact '$name' of run $run_id could not be downloaded: no comparison this time."
echo "Baseline: artifact '$name' of run $run_id ($branch)." >>"$summary"
echo "found=true" >>"$output"
