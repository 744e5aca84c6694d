# pclab_target_warnings(<target> [STUDENT])
#   Adds -Wall -Wextra -Wpedantic to <target>, and -Werror when PCLAB_WARNINGS_AS_ERRORS is on.
#   STUDENT marks a target that compiles a submission's files: warnings stay warnings there,
#   because a grader that refuses to compile a warning is grading style, not concurrency.
function(pclab_target_warnings target)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "STUDENT" "" "")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(PCLAB_WARNINGS_AS_ERRORS AND NOT (ARG_STUDENT AND NOT PCLAB_STUDENT_IS_KIT))
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
