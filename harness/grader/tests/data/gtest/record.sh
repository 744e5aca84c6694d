#!/bin/sh
# Regenerates the recorded GoogleTest runs in this directory from src/recorded_check.cpp.
# Usage: sh record.sh   (from any directory; needs g++, libgtest-dev, setarch)
# For each scenario it stores <scenario>.json (if the run wrote one), <scenario>.stdout.txt,
# <scenario>.stderr.txt and <scenario>.exit.txt ("exited N" or "signalled N").
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(mktemp -d)
g++ -std=c++20 -g "$here/src/recorded_check.cpp" -o "$build/plain" -lgtest -lgtest_main -pthread
g++ -std=c++20 -g -fsanitize=thread "$here/src/recorded_check.cpp" -o "$build/tsan" \
    -lgtest -lgtest_main -pthread

# record <scenario> <binary> <gtest filter> [environment assignments...]
record() {
    scenario=$1 binary=$2 filter=$3
    shift 3
    rm -f "$here/$scenario.json"
    # exec in a subshell: no shell of ours writes "Aborted" into the recorded stderr.
    (exec env "$@" setarch "$(uname -m)" -R "$build/$binary" --gtest_filter="$filter" \
        --gtest_output=json:"$here/$scenario.json" --gtest_color=no \
        >"$here/$scenario.stdout.txt" 2>"$here/$scenario.stderr.txt")
    status=$?
    if [ "$status" -gt 128 ]; then
        echo "signalled $((status - 128))" >"$here/$scenario.exit.txt"
    else
        echo "exited $status" >"$here/$scenario.exit.txt"
    fi
    echo "$scenario: $(cat "$here/$scenario.exit.txt")"
}

tsan_options=TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1
record passing plain 'Recorded.Passes'
record tagged_lost_item plain 'Recorded.Passes:Recorded.TaggedLostItem'
record tagged_several plain 'Recorded.TaggedDuplicateItem:Recorded.TaggedLostItem'
record untagged_assertion plain 'Recorded.UntaggedAssertion'
record runtime_error plain 'Recorded.ThrowsRuntimeError'
record not_implemented plain 'Recorded.ThrowsNotImplemented'
record bad_alloc plain 'Recorded.ThrowsBadAlloc'
record skipped plain 'Recorded.Skipped'
record no_test_matched plain 'Recorded.DoesNotExist'
record exits_early plain 'Recorded.ExitsEarly'
record terminate_on_worker plain 'Recorded.TerminatesOnWorkerThread'
record data_race_halted tsan 'Recorded.RacyAppend' "$tsan_options"
# A TSan build told to exit 0 after a report: the JSON says passed, stderr holds the race.
record data_race_exit_zero tsan 'Recorded.RacyAppend' \
    TSAN_OPTIONS=halt_on_error=0:exitcode=0
rm -rf "$build"
