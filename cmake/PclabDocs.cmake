# `docs`: the Doxygen site — lab handouts in learning order, the queue contract, the grader's
# categories, the measurements, the guides, and the API reference from the contract headers
# (lab headers, sync layer, errors, testkit, exploration). Warnings are errors.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
    add_custom_target(docs
        COMMAND ${CMAKE_COMMAND} -E echo "pclab: install Doxygen (sudo apt-get install doxygen)"
        COMMAND ${CMAKE_COMMAND} -E false)
    return()
endif()

# Every lab, whatever PCLAB_LABS says: the site documents the whole kit.
file(GLOB pclab_handouts CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/labs/*/README.md")
list(SORT pclab_handouts)
file(GLOB pclab_all_lab_headers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/labs/*/*.hpp")
list(SORT pclab_all_lab_headers)
# Labs 03-06 hand out one pclab::Queue, each in its own queue.hpp with the same contract
# comments (the docs test QueueContractCopies checks they agree). The reference documents the
# first copy: given all four, Doxygen merges them into one class that lists every member
# four times.
set(pclab_lab_headers "")
set(pclab_queue_documented FALSE)
foreach(header IN LISTS pclab_all_lab_headers)
    get_filename_component(header_name "${header}" NAME)
    if(header_name STREQUAL "queue.hpp")
        if(pclab_queue_documented)
            continue()
        endif()
        set(pclab_queue_documented TRUE)
    endif()
    list(APPEND pclab_lab_headers "${header}")
endforeach()
list(JOIN pclab_handouts " " PCLAB_DOC_HANDOUTS)
# The instructor guide is left out of the student release (release/exclude.txt).
set(PCLAB_DOC_INSTRUCTOR_PAGES "")
if(EXISTS "${PROJECT_SOURCE_DIR}/docs/instructor-guide.md")
    set(PCLAB_DOC_INSTRUCTOR_PAGES "${PROJECT_SOURCE_DIR}/docs/instructor-guide.md")
endif()
list(JOIN pclab_lab_headers " " PCLAB_DOC_LAB_HEADERS)
configure_file("${PROJECT_SOURCE_DIR}/docs/Doxyfile.in" "${CMAKE_BINARY_DIR}/docs/Doxyfile" @ONLY)
add_custom_target(docs
    COMMAND Doxygen::doxygen "${CMAKE_BINARY_DIR}/docs/Doxyfile"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    COMMENT "Doxygen: build/…/docs/html/index.html"
    VERBATIM)

# The site must keep building without a warning: the kit's test suite says so (once, in the
# plain tree).
if(NOT PCLAB_SANITIZER STREQUAL "")
    return()
endif()
add_test(NAME pclab.docs COMMAND "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target docs)
set_tests_properties(pclab.docs PROPERTIES LABELS "docs")
