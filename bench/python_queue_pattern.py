#!/usr/bin/env python3
"""The seed activity's queue pattern, measured like the C++ benchmark measures its queues.

The activity the labs grow from: producer threads put numbers into a queue.Queue(maxsize=CAP),
consumer threads get them and call task_done(), and q.join() waits for the last task_done().
This program moves the same number of items in the same configurations as pclab-queue-bench
(bench/configurations.hpp): mode plain (put/get) and join (task_done after every item, the run
ends when q.join() returns) x producers/consumers 1/1, 2/2, 4/4 x capacity 1, 16, 1024, with
the same pattern (bench/transfer.hpp): fresh threads released together at a barrier, producer p
puts its own range of 0..N-1, consumer c gets exactly its share of N (no sentinel), and the sum
of the values got is checked. Runs are named like the C++ ones: python/<mode>/<P>x<C>/<capacity>.

Prints progress on stderr and writes JSON (to --output, or stdout):
  {"implementation": {"id": "python", "title": ..., "rank": 20}, "items": N,
   "runs": [{"name", "repetition", "seconds", "items_per_second"} | {"name", "repetition",
            "error"}]}
Exit status: 0 when every run delivered every item exactly once, 1 otherwise, 2 for bad usage.
"""

import argparse
import json
import platform
import queue
import re
import sys
import threading
import time

THREAD_PAIRS = [(1, 1), (2, 2), (4, 4)]
CAPACITIES = [1, 16, 1024]


def share(total, parts, index):
    """The share of `total` that part `index` of `parts` gets (as transfer.hpp splits it)."""
    return total // parts + (1 if index < total % parts else 0)


def transfer(producers, consumers, capacity, items, join):
    """One transfer; returns (seconds, error or None)."""
    q = queue.Queue(maxsize=capacity)
    start = threading.Barrier(producers + consumers + 1)
    sums = [0] * consumers

    def produce(first, count):
        start.wait()
        for value in range(first, first + count):
            q.put(value)

    def consume(index, count):
        start.wait()
        total = 0
        for _ in range(count):
            total += q.get()
            if join:
                q.task_done()
        sums[index] = total

    producer_threads = []
    first = 0
    for p in range(producers):
        count = share(items, producers, p)
        producer_threads.append(threading.Thread(target=produce, args=(first, count)))
        first += count
    consumer_threads = [
        threading.Thread(target=consume, args=(c, share(items, consumers, c)))
        for c in range(consumers)
    ]
    for thread in producer_threads + consumer_threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    if join:
        for thread in producer_threads:
            thread.join()
        q.join()
        ended = time.perf_counter()
    else:
        for thread in consumer_threads:
            thread.join()
        ended = time.perf_counter()
    for thread in producer_threads + consumer_threads:
        thread.join()
    expected = items * (items - 1) // 2
    error = None
    if sum(sums) != expected:
        error = "the values got are not 0..%d exactly once" % (items - 1)
    return ended - began, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100000, help="items per transfer")
    parser.add_argument("--repetitions", type=int, default=5, help="runs of each configuration")
    parser.add_argument("--filter", default="",
                        help="only runs whose name + '/manual_time' matches (re.search)")
    parser.add_argument("--output", default="", help="write the JSON here instead of stdout")
    options = parser.parse_args()
    if options.items < 1 or options.repetitions < 1:
        parser.error("--items and --repetitions must be positive")
    try:
        wanted = re.compile(options.filter)
    except re.error as error:
        parser.error("--filter: %s" % error)

    configurations = []
    for join in (False, True):
        for producers, consumers in THREAD_PAIRS:
            for capacity in CAPACITIES:
                name = "python/%s/%dx%d/%d" % (
                    "join" if join else "plain", producers, consumers, capacity)
                # Matched against the name Google Benchmark gives the same configuration in
                # pclab-queue-bench, so one --filter selects the same runs in both programs.
                if wanted.search(name + "/manual_time"):
                    configurations.append((name, producers, consumers, capacity, join))

    runs = []
    failed = False
    # Repetition after repetition over all configurations, so a burst of load on the machine
    # hits every configuration about equally instead of all repetitions of one.
    for repetition in range(options.repetitions):
        for name, producers, consumers, capacity, join in configurations:
            seconds, error = transfer(producers, consumers, capacity, options.items, join)
            if error:
                failed = True
                runs.append({"name": name, "repetition": repetition, "error": error})
                print("%s: %s" % (name, error), file=sys.stderr)
                continue
            rate = options.items / seconds
            runs.append({"name": name, "repetition": repetition, "seconds": seconds,
                         "items_per_second": rate})
            print("%-28s repetition %d/%d: %9.0f items/s" % (
                name, repetition + 1, options.repetitions, rate), file=sys.stderr)

    result = {
        "implementation": {
            "id": "python",
            "title": "Python queue.Queue (%s %s)" % (
                platform.python_implementation(), platform.python_version()),
            "rank": 20,
        },
        "items": options.items,
        "runs": runs,
    }
    text = json.dumps(result, indent=1)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as output:
            output.write(text + "\n")
    else:
        print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
