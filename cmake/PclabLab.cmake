# pclab_add_lab(TESTS <test sources...> [EXPLORE <exploration sources...>] [DEMO <demo source>]
#               [OPTIMISED <sources...>])
#
# Called from labs/NN-slug/CMakeLists.txt. Reads the lab's lab.json (the one place where a lab
# declares its student files, unsafe variants and checks) and defines, for every
# implementation IMPL — `student`, `solution`, `unsafe-<variant>`:
#   pclab-<slug>-<IMPL>-tests   → <tree>/labs/NN-slug/<IMPL>/tests
#   pclab-<slug>-<IMPL>-explore → <tree>/labs/NN-slug/<IMPL>/explore  (trees with pclab::explore)
#   pclab-<slug>-<IMPL>-demo    → <tree>/labs/NN-slug/<IMPL>/demo
# The exploration program is built with PCLAB_SYNC_EXPLORE: the lab's pclab::mutex, thread, ...
# are the controlled scheduler's wrappers, and each of its tests explores one scenario.
# Only the solution's demo is part of `all`, and only in a tree without a sanitizer: the others
# are built when `./pclab run` asks for them (each demo is built once per implementation, and
# those are most of a tree's demos; a sanitizer tree's solution demos cost a minute of
# `./pclab test` and compiled the same code as the dev tree's).
# Each implementation gets a generated include directory with one forwarding header per
# student file, so tests and demos `#include "result_list.hpp"` and never know which
# implementation they are built against. The solution's tests are also registered with ctest
# (not those of a lab that borrows its tests; see below).
#
# The instructor's side is optional, so that the student release (`./pclab release`: no
# solutions/, no hidden-checks/) configures, builds and tests:
# - `solution` is defined only when solutions/NN-slug/ exists. An unsafe variant that replaces
#   only some student files takes the others from the solution, or — without one — from the
#   student's own files (PCLAB_STUDENT_ROOT), so it runs as intended once those files work.
# - hidden-checks/NN-slug/*.cpp (instructor's hidden checks, declared in its checks.json) are
#   compiled into every implementation's test program, with the lab's tests/ directory on their
#   include path so they can use the lab's test helpers. They are not part of the exploration
#   program: the grader refuses a hidden check whose builds list `explore`.
#
# Sources may lie outside the lab directory (paths relative to it): a lab that re-grades an
# earlier lab's properties lists that lab's test files instead of copying them. With
# PCLAB_UNITY_BUILD, such a lab's borrowed TESTS and EXPLORE sources are compiled as one unity
# source per directory they come from, and its own sources one translation unit each (the lending
# labs' files need not compile together with each other's); every other lab program is one
# translation unit.
# OPTIMISED names sources among TESTS and DEMO that measure speed: they are compiled with -O2
# whatever the build type (a Debug tree's -O0 code would be what is measured, not the design)
# and without the precompiled header (which was built at the tree's own optimisation level).
function(pclab_add_lab)
    cmake_parse_arguments(PARSE_ARGV 0 LAB "" "DEMO" "TESTS;EXPLORE;OPTIMISED")
    if(NOT LAB_TESTS)
        message(FATAL_ERROR "pclab_add_lab: TESTS is required")
    endif()

    set(lab_dir "${CMAKE_CURRENT_SOURCE_DIR}")
    cmake_path(GET lab_dir FILENAME lab_dirname)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${lab_dir}/lab.json")
    file(READ "${lab_dir}/lab.json" lab_json)
    string(JSON lab_id GET "${lab_json}" id)
    string(JSON lab_slug GET "${lab_json}" slug)
    if(NOT lab_dirname STREQUAL "${lab_id}-${lab_slug}")
        message(FATAL_ERROR "${lab_dir}/lab.json: id and slug must match the directory name")
    endif()
    if(PCLAB_LABS AND NOT lab_id IN_LIST PCLAB_LABS)
        return()
    endif()
    foreach(source IN LISTS LAB_OPTIMISED)
        if(NOT source IN_LIST LAB_TESTS AND NOT source STREQUAL LAB_DEMO)
            message(FATAL_ERROR "pclab_add_lab: OPTIMISED ${source} is neither in TESTS nor DEMO")
        endif()
    endforeach()
    if(LAB_OPTIMISED)
        set_source_files_properties(${LAB_OPTIMISED} PROPERTIES
            COMPILE_OPTIONS "-O2" SKIP_PRECOMPILE_HEADERS ON)
    endif()
    set(lab_borrows FALSE)
    foreach(source IN LISTS LAB_TESTS LAB_EXPLORE)
        cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${lab_dir}" NORMALIZE
                   OUTPUT_VARIABLE source_path)
        cmake_path(IS_PREFIX lab_dir "${source_path}" NORMALIZE inside_lab)
        if(NOT inside_lab)
            cmake_path(GET source_path PARENT_PATH source_dir)
            cmake_path(RELATIVE_PATH source_dir BASE_DIRECTORY "${PROJECT_SOURCE_DIR}")
            string(MAKE_C_IDENTIFIER "${source_dir}" group)  # labs_03_bounded_queue_tests
            set_source_files_properties(${source} PROPERTIES UNITY_GROUP "${group}")
            set(lab_borrows TRUE)
        endif()
    endforeach()

    set(hidden_dir "${PROJECT_SOURCE_DIR}/hidden-checks/${lab_dirname}")
    set(LAB_HIDDEN_TESTS "")
    if(IS_DIRECTORY "${hidden_dir}")
        file(GLOB LAB_HIDDEN_TESTS CONFIGURE_DEPENDS "${hidden_dir}/*.cpp")
        list(SORT LAB_HIDDEN_TESTS)
    endif()

    string(JSON file_count LENGTH "${lab_json}" student_files)
    math(EXPR last_file "${file_count} - 1")
    set(student_files "")
    foreach(i RANGE ${last_file})
        string(JSON name GET "${lab_json}" student_files ${i})
        list(APPEND student_files "${name}")
    endforeach()

    # student: from PCLAB_STUDENT_ROOT (the kit's stubs, or a submission's staging tree)
    set(impl_files "")
    foreach(name IN LISTS student_files)
        list(APPEND impl_files "${name}=${PCLAB_STUDENT_ROOT}/labs/${lab_dirname}/${name}")
    endforeach()
    _pclab_add_impl(student "${impl_files}" STUDENT)

    if(NOT PCLAB_IMPLS STREQUAL "all")
        return()
    endif()

    # solution: the reference, when this is the instructor's kit
    set(solution_dir "${PROJECT_SOURCE_DIR}/solutions/${lab_dirname}")
    if(IS_DIRECTORY "${solution_dir}")
        set(impl_files "")
        foreach(name IN LISTS student_files)
            list(APPEND impl_files "${name}=${solution_dir}/${name}")
        endforeach()
        _pclab_add_impl(solution "${impl_files}")
        # A lab that borrows its tests re-runs programs whose solutions the lending labs' own
        # ctest entries already cover; the kit's end-to-end tests grade its solution in full
        # (every check, every build), so ctest does not run its programs a second time.
        if(NOT lab_borrows)
            add_test(NAME "${lab_slug}.solution" COMMAND pclab-${lab_slug}-solution-tests)
            set_tests_properties("${lab_slug}.solution" PROPERTIES LABELS "lab;${lab_slug}")
            if(TARGET pclab-${lab_slug}-solution-explore)
                add_test(NAME "${lab_slug}.solution.explore"
                         COMMAND pclab-${lab_slug}-solution-explore)
                set_tests_properties("${lab_slug}.solution.explore" PROPERTIES
                    LABELS "lab;explore;${lab_slug}")
            endif()
        endif()
        set(others_dir "${solution_dir}")
    else()
        set(others_dir "${PCLAB_STUDENT_ROOT}/labs/${lab_dirname}")
    endif()

    string(JSON variant_count LENGTH "${lab_json}" unsafe_variants)
    if(variant_count GREATER 0)
        math(EXPR last_variant "${variant_count} - 1")
        foreach(v RANGE ${last_variant})
            string(JSON variant GET "${lab_json}" unsafe_variants ${v} name)
            set(impl_files "")
            foreach(name IN LISTS student_files)
                string(JSON relative ERROR_VARIABLE missing
                       GET "${lab_json}" unsafe_variants ${v} files "${name}")
                if(missing)
                    # A variant may change only some files; the rest come from the solution,
                    # or in the student release from the student's own files.
                    set(path "${others_dir}/${name}")
                else()
                    set(path "${lab_dir}/${relative}")
                endif()
                list(APPEND impl_files "${name}=${path}")
            endforeach()
            _pclab_add_impl("unsafe-${variant}" "${impl_files}")
        endforeach()
    endif()
endfunction()

# The precompiled header every lab test program reuses: GoogleTest, the testkit and the
# standard headers the tests use, never an implementation's header.
function(_pclab_lab_tests_pch)
    if(TARGET pclab_lab_tests_pch)
        return()
    endif()
    add_library(pclab_lab_tests_pch STATIC "${PROJECT_SOURCE_DIR}/cmake/probes/empty.cpp")
    target_link_libraries(pclab_lab_tests_pch PRIVATE pclab::testkit_main)
    # Lab tests run on the perturbing sync layer (pclab/perturbed_sync.hpp); the header is
    # precompiled with the same definition or the plain aliases would be baked in.
    target_compile_definitions(pclab_lab_tests_pch PRIVATE PCLAB_SYNC_PERTURB)
    target_precompile_headers(pclab_lab_tests_pch PRIVATE
        <gtest/gtest.h> <pclab/testkit/testkit.hpp> <pclab/sync.hpp> <pclab/errors.hpp>
        <algorithm> <atomic> <chrono> <cstdint> <map> <memory> <set> <string> <thread> <vector>)
    _pclab_lab_debug_info(pclab_lab_tests_pch)
    pclab_target_warnings(pclab_lab_tests_pch)
endfunction()

# The precompiled header every lab exploration program reuses: as above, in explore mode.
function(_pclab_lab_explore_pch)
    if(TARGET pclab_lab_explore_pch)
        return()
    endif()
    add_library(pclab_lab_explore_pch STATIC "${PROJECT_SOURCE_DIR}/cmake/probes/empty.cpp")
    target_link_libraries(pclab_lab_explore_pch PRIVATE pclab::testkit_main pclab::explore_lab)
    target_compile_definitions(pclab_lab_explore_pch PRIVATE PCLAB_SYNC_EXPLORE)
    target_precompile_headers(pclab_lab_explore_pch PRIVATE
        <gtest/gtest.h> <pclab/explore/lab_exploration.hpp> <pclab/sync.hpp> <pclab/errors.hpp>
        <algorithm> <chrono> <cstdint> <map> <memory> <optional> <set> <string> <vector>)
    _pclab_lab_debug_info(pclab_lab_explore_pch)
    pclab_target_warnings(pclab_lab_explore_pch)
endfunction()

# Line tables only (-g1) for the lab test programs: file:line in ThreadSanitizer reports, in
# the watchdog's and GoogleTest's messages and in a debugger's backtrace is all grading needs,
# and full debug information is 40% of their compile time (measured: 3.3 s against 2.0 s of
# CPU for one lab-05 test file in the tsan tree). The kit's own code keeps the build type's -g.
function(_pclab_lab_debug_info target)
    if(CMAKE_BUILD_TYPE STREQUAL "Debug")
        target_compile_options(${target} PRIVATE -g1)
    endif()
endfunction()

# One translation unit per lab program (PCLAB_UNITY_BUILD). Grading a submission recompiles
# every program that includes a student file, in two trees; the precompiled header already
# spares GoogleTest, but each test file still parses the lab's own headers and instantiates
# the same templates. So names at file scope, anonymous namespaces included, must differ
# between a program's files (a clash fails the kit's build at once). Compiler messages and
# ThreadSanitizer reports still name the original files and lines.
# A lab that borrows tests from several labs (given a UNITY_GROUP each by pclab_add_lab) gets
# one unity source per lending lab instead, since those labs' files were never meant to share
# a translation unit.
function(_pclab_lab_unity target)
    if(PCLAB_UNITY_BUILD AND lab_borrows)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
    elseif(PCLAB_UNITY_BUILD)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
    endif()
endfunction()

# The precompiled header every demo reuses: CLI11 alone is most of a demo's compile time.
function(_pclab_lab_demos_pch)
    if(TARGET pclab_lab_demos_pch)
        return()
    endif()
    set(on_demand "")
    if(PCLAB_SANITIZER)
        set(on_demand EXCLUDE_FROM_ALL)  # no demo of a sanitizer tree is part of `all`
    endif()
    add_library(pclab_lab_demos_pch STATIC ${on_demand} "${PROJECT_SOURCE_DIR}/cmake/probes/empty.cpp")
    target_link_libraries(pclab_lab_demos_pch PRIVATE pclab::sync CLI11::CLI11)
    target_precompile_headers(pclab_lab_demos_pch PRIVATE
        <CLI/CLI.hpp> <pclab/sync.hpp> <pclab/errors.hpp> <algorithm> <atomic> <chrono> <cstdint>
        <iostream> <map> <mutex> <sstream> <string> <thread> <vector>)
    pclab_target_warnings(pclab_lab_demos_pch)
endfunction()

# One implementation: forwarding headers, the tests executable and the demo executable.
function(_pclab_add_impl impl impl_files)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "STUDENT" "" "")
    set(forward_dir "${CMAKE_CURRENT_BINARY_DIR}/${impl}/include")
    foreach(entry IN LISTS impl_files)
        string(REPLACE "=" ";" pair "${entry}")
        list(GET pair 0 name)
        list(GET pair 1 path)
        file(CONFIGURE OUTPUT "${forward_dir}/${name}"
             CONTENT "// Generated by pclab_add_lab(): the ${impl} implementation.\n#include \"${path}\"\n")
    endforeach()

    set(output_dir "${CMAKE_BINARY_DIR}/labs/${lab_dirname}/${impl}")
    set(student_flag "")
    if(ARG_STUDENT)
        set(student_flag STUDENT)
    endif()

    _pclab_lab_tests_pch()
    set(tests_target "pclab-${lab_slug}-${impl}-tests")
    add_executable(${tests_target} ${LAB_TESTS} ${LAB_HIDDEN_TESTS})
    target_include_directories(${tests_target} BEFORE PRIVATE "${forward_dir}")
    if(LAB_HIDDEN_TESTS)
        target_include_directories(${tests_target} PRIVATE "${lab_dir}/tests")
    endif()
    target_link_libraries(${tests_target} PRIVATE pclab::testkit_main)
    target_compile_definitions(${tests_target} PRIVATE PCLAB_SYNC_PERTURB)
    set_target_properties(${tests_target} PROPERTIES
        OUTPUT_NAME tests RUNTIME_OUTPUT_DIRECTORY "${output_dir}")
    # Every lab test program is built once per implementation and tree; parsing GoogleTest and
    # the testkit once per tree instead of once per file is most of the kit's build time.
    target_precompile_headers(${tests_target} REUSE_FROM pclab_lab_tests_pch)
    _pclab_lab_unity(${tests_target})
    _pclab_lab_debug_info(${tests_target})
    pclab_target_warnings(${tests_target} ${student_flag})

    if(LAB_EXPLORE AND TARGET pclab::explore_lab)
        _pclab_lab_explore_pch()
        set(explore_target "pclab-${lab_slug}-${impl}-explore")
        add_executable(${explore_target} ${LAB_EXPLORE})
        target_include_directories(${explore_target} BEFORE PRIVATE "${forward_dir}")
        target_link_libraries(${explore_target} PRIVATE pclab::testkit_main pclab::explore_lab)
        target_compile_definitions(${explore_target} PRIVATE PCLAB_SYNC_EXPLORE)
        set_target_properties(${explore_target} PROPERTIES
            OUTPUT_NAME explore RUNTIME_OUTPUT_DIRECTORY "${output_dir}")
        target_precompile_headers(${explore_target} REUSE_FROM pclab_lab_explore_pch)
        _pclab_lab_unity(${explore_target})
        _pclab_lab_debug_info(${explore_target})
        pclab_target_warnings(${explore_target} ${student_flag})
    endif()

    if(LAB_DEMO)
        set(demo_target "pclab-${lab_slug}-${impl}-demo")
        set(on_demand EXCLUDE_FROM_ALL)
        if(impl STREQUAL "solution" AND NOT PCLAB_SANITIZER)
            set(on_demand "")  # the dev tree compiles it; a sanitizer tree only when it is run
        endif()
        _pclab_lab_demos_pch()
        add_executable(${demo_target} ${on_demand} ${LAB_DEMO})
        target_precompile_headers(${demo_target} REUSE_FROM pclab_lab_demos_pch)
        target_include_directories(${demo_target} BEFORE PRIVATE "${forward_dir}")
        target_link_libraries(${demo_target} PRIVATE pclab::sync CLI11::CLI11)
        set_target_properties(${demo_target} PROPERTIES
            OUTPUT_NAME demo RUNTIME_OUTPUT_DIRECTORY "${output_dir}")
        pclab_target_warnings(${demo_target} ${student_flag})
    endif()
endfunction()
