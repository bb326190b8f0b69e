#!/usr/bin/env sh
# What a CI job runs: `guardrail check` over every dataset the training job will read.
# Exit status 0 = nothing blocked; 1 = something blocked; 2 = usage or configuration error.
#
#   sh examples/ci_check.sh                 # checks the clean example data: exits 0
#   sh examples/ci_check.sh examples/data/x_posts   # exits 1 with the report
set -u
here=$(dirname "$0")
guardrail=${GUARDRAIL:-guardrail}
if [ "$#" -eq 0 ]; then
    set -- "$here/data/garden_notes"
fi
# A machine-readable report for the CI system, then the exit status for the job.
"$guardrail" check --format json --output guardrail-report.json "$@"
status=$?
"$guardrail" check --format text --color never "$@"
exit "$status"
