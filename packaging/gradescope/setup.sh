#!/usr/bin/env bash
# pclab's Gradescope setup (docs/gradescope.md). Gradescope unzips the autograder bundle made by
# `./pclab package gradescope` into /autograder/source and runs this script there, as root, once,
# when it builds the autograder image. It
#   1. installs the Debian packages the kit needs — through ./pclab, which installs only those
#      missing and does not run apt-get at all when every one is there — and builds the grader;
#   2. grades the labs' stub files once as a submission, from the path Gradescope grades every
#      submission from. A submission's build trees are keyed by that path
#      (build/submissions/submission-<hash of the path>), so each real submission finds them
#      built and recompiles only what its own files change. Grading the stubs also proves the
#      image can grade: if it cannot, this script fails and so does the image build.
#
# Environment (to run the bundle outside Gradescope, as the kit's own test does):
#   PCLAB_GRADESCOPE_ROOT  the directory that stands for /autograder (default: /autograder)
#   PCLAB_GRADESCOPE_LABS  only these labs: ids separated by spaces or commas (default: those
#                          of labs.txt, written by `./pclab package gradescope ... LAB...`;
#                          without it, all); give run_autograder the same value
set -euo pipefail
umask 022

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kit="$source_dir/kit"
root="${PCLAB_GRADESCOPE_ROOT:-/autograder}"
submission="$root/submission"
lab_list="${PCLAB_GRADESCOPE_LABS:-$(cat "$source_dir/labs.txt" 2>/dev/null || true)}"
lab_list="${lab_list//$'\n'/ }"
read -r -a labs <<<"${lab_list//,/ }"

# Gradescope's default container has half a CPU and 768 MB, and nproc may count the host's
# cores: ninja's default (cores + 2 jobs) could run out of memory, as one ThreadSanitizer
# compile of a lab's test takes about 220 MB. Two jobs fit; a bigger container may ask for more.
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

say() { printf 'pclab setup: %s\n' "$*" >&2; }

# As root the grader runs student code as a user of its own (docs/threat-model.md), which must
# be able to reach the kit's programs: every directory from the root down must be searchable.
chmod o+x "$root" "$source_dir"
chmod -R o+rX "$kit"

say "packages and the grader"
bash "$kit/pclab" list >/dev/null

if [[ -d "$submission" && -n "$(ls -A "$submission")" ]]; then
  say "$submission is not empty: not grading the stubs from there (nothing pre-built)"
  exit 0
fi
created_submission=false
if [[ ! -d "$submission" ]]; then
  mkdir -p "$submission"
  created_submission=true
fi
# The stubs in the kit's layout. A lab directory's top-level headers are its student files
# (and lab 01's pipeline.hpp, which staging lists as ignored).
(cd "$kit" && cp --parents labs/*/*.hpp "$submission/")
stub_report="$(mktemp)"
say "building every lab for submissions, by grading the stubs from $submission"
status=0
bash "$kit/pclab" grade "${labs[@]}" --submission "$submission" --format json \
  --output "$stub_report" || status=$?
rm -rf "$submission/labs" "$stub_report"
if [[ "$created_submission" == true ]]; then
  rmdir "$submission"
fi
if [[ "$status" != 0 ]]; then
  say "grading the stubs failed (exit status $status): this image cannot grade"
  exit 1
fi
say "ready: a submission is graded by $root/run_autograder"
