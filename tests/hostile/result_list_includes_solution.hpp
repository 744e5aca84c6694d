/// @file
/// @brief A lab 01 submission that is the reference solution, included by a relative path (a
///        fixture of tests/hostile_submissions_test.cpp). The staged file's own directory has no
///        solutions/ two levels up, but the kit's include directory (harness/include) does.
#pragma once

#include "../../solutions/01-shared-results/result_list.hpp"
