# Third-party code comes from Debian packages, never from this repository.
#   GoogleTest  googletest (sources in /usr/src/googletest), compiled here so it carries this
#               tree's sanitizer flags; FetchContent only where the sources are absent.
#   CLI11       libcli11-dev (the demos' and the grader's command lines)
#   nlohmann    nlohmann-json3-dev (lab.json, reports)
include(FetchContent)

find_package(Threads REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

set(PCLAB_GOOGLETEST_SOURCE_DIR "/usr/src/googletest" CACHE PATH
    "GoogleTest sources to compile with this tree's flags (Debian package: googletest)")

set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
if(EXISTS "${PCLAB_GOOGLETEST_SOURCE_DIR}/CMakeLists.txt")
    add_subdirectory("${PCLAB_GOOGLETEST_SOURCE_DIR}" "${CMAKE_BINARY_DIR}/_deps/googletest"
                     EXCLUDE_FROM_ALL SYSTEM)
else()
    message(STATUS "pclab: ${PCLAB_GOOGLETEST_SOURCE_DIR} not found; fetching GoogleTest "
                   "(install the Debian package 'googletest' to build offline)")
    FetchContent_Declare(googletest
        URL https://github.com/google/googletest/archive/refs/tags/v1.14.0.tar.gz
        SYSTEM)
    FetchContent_MakeAvailable(googletest)
endif()
if(NOT TARGET GTest::gtest)
    add_library(GTest::gtest ALIAS gtest)
endif()

include(GoogleTest)
