# Every option the build understands. The presets in CMakePresets.json set these; the grader
# sets them for submission trees.

set(PCLAB_SANITIZER "" CACHE STRING
    "Sanitizer for every target in this tree: empty, 'thread' or 'address' (address+undefined)")
set_property(CACHE PCLAB_SANITIZER PROPERTY STRINGS "" thread address)

set(PCLAB_STUDENT_ROOT "${PROJECT_SOURCE_DIR}" CACHE PATH
    "Tree mirroring the repo layout that holds the student files (a submission's staging dir)")

set(PCLAB_LABS "" CACHE STRING
    "Lab ids to define targets for (e.g. '01;03'); empty means every lab")

set(PCLAB_IMPLS "all" CACHE STRING
    "'all': student, solution and unsafe variants; 'student': only the student implementation")
set_property(CACHE PCLAB_IMPLS PROPERTY STRINGS all student)

option(PCLAB_BUILD_GRADER "Build the grader and its unit tests (off in sanitizer trees)" ON)
option(PCLAB_UNITY_BUILD
       "Compile each lab test and exploration program as one translation unit: a submission recompiles them all, and parsing the lab's headers once per program instead of once per file is most of that time"
       ON)
option(PCLAB_WARNINGS_AS_ERRORS "Treat warnings in the kit's own code as errors" ON)
option(PCLAB_BUILD_BENCH
       "Build pclab-queue-bench, the queue throughput benchmark of ./pclab bench (on in the release preset; needs libbenchmark-dev)"
       OFF)
set(PCLAB_BENCH_STUDENT_QUEUE "" CACHE FILEPATH
    "A student's queue.hpp (pclab::Queue contract) to benchmark as 'student'; empty: none")

# A submission tree compiles code the kit does not own: its warnings are shown, never fatal.
cmake_path(COMPARE "${PCLAB_STUDENT_ROOT}" EQUAL "${PROJECT_SOURCE_DIR}" PCLAB_STUDENT_IS_KIT)
