# `docs`: the Doxygen site — lab handouts in learning order, the queue contract, the grader's
# categories, and the API reference from the contract headers. Warnings are errors.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
    add_custom_target(docs
        COMMAND ${CMAKE_COMMAND} -E echo "pclab: install Doxygen (sudo apt-get install doxygen)"
        COMMAND ${CMAKE_COMMAND} -E false)
    return()
endif()

file(GLOB pclab_handouts CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/labs/*/README.md")
list(SORT pclab_handouts)
file(GLOB pclab_lab_headers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/labs/*/*.hpp")
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
