#!/bin/sh
# Regenerates the recorded ThreadSanitizer reports in this directory from src/*.cpp.
# Usage: sh record.sh   (from this directory; needs g++ and clang++ with -fsanitize=thread)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(mktemp -d)
# The options the grader passes to TSan builds (docs/architecture.md).
export TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1
for source in "$here"/src/*.cpp; do
    name=$(basename "$source" .cpp)
    for compiler in gcc clang; do
        case $compiler in gcc) cxx=g++ ;; clang) cxx=clang++ ;; esac
        "$cxx" -std=c++20 -g -fsanitize=thread -pthread "$source" -o "$build/$name.$compiler"
        # Without ASLR: TSan refuses to start on kernels with high mmap randomisation.
        setarch "$(uname -m)" -R "$build/$name.$compiler" 2>"$here/$name.$compiler.txt" >/dev/null
        echo "$name.$compiler: exit $?"
    done
done
rm -rf "$build"
