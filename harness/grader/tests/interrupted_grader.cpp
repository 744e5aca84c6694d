// Test helper for isolated_process_test: a grader interrupted while run_isolated() runs a
// child, to show what becomes of that child's processes.
//
//   interrupted_grader handler|no-handler leaf PIDFILE
//       Runs `sh -c 'sleep 1000 & ...; wait'` isolated and waits for it. With `handler`,
//       stop_children_when_interrupted() is called first, as the grader's main() does.
//   interrupted_grader handler|no-handler nested|nested-killed PIDFILE
//       Runs `interrupted_grader handler leaf PIDFILE` isolated: with `nested` as a child that
//       stops its own children on SIGTERM (as grade-batch runs a student's grading), with
//       `nested-killed` as any other child.
//
// Each helper appends "grader PID" to PIDFILE as it starts, and the shell "sleep PID" once its
// sleep runs: a test waits for that last line before it sends the signal. Exit status 2 on bad
// usage; otherwise the helper is meant to die of the signal the test sends.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "isolated_process.hpp"

int main(int argc, char** argv) {
    using namespace pclab::grader;
    const char* usage =
        "usage: interrupted_grader handler|no-handler leaf|nested|nested-killed PIDFILE\n";
    if (argc != 4) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string handler = argv[1];
    const std::string mode = argv[2];
    const std::string pid_file = argv[3];
    if (handler == "handler") {
        stop_children_when_interrupted();
    } else if (handler != "no-handler") {
        std::fputs(usage, stderr);
        return 2;
    }
    ProcessSpec spec;
    spec.limits.timeout = std::chrono::minutes(5);
    if (mode == "leaf") {
        spec.argv = {"/bin/sh", "-c", "sleep 1000 & echo \"sleep $!\" >> '" + pid_file + "'; wait"};
    } else if (mode == "nested" || mode == "nested-killed") {
        spec.argv = {argv[0], "handler", "leaf", pid_file};
        spec.stops_its_children_on_sigterm = mode == "nested";
    } else {
        std::fputs(usage, stderr);
        return 2;
    }
    std::ofstream(pid_file, std::ios::app) << "grader " << ::getpid() << '\n';
    const ProcessOutcome outcome = run_isolated(spec);
    std::fputs("interrupted_grader: the child ended before any interrupt\n", stderr);
    return outcome.end == ProcessEnd::exited ? 0 : 1;
}
