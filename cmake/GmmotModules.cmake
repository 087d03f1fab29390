# SPDX-License-Identifier: MIT
# The core's modules (architecture.md, "Layers and folders"): one OBJECT library per folder of
# src/, compiled against an include view that holds only the module itself and the modules
# below it along the arrows, so that an include going up or sideways fails to compile.
#
# Includes in src/ are written "module/file.hpp" relative to src/. For each module, the
# configure step makes ${PROJECT_BINARY_DIR}/layers/<module>/ with one symbolic link per
# visible module (<view>/<dep> -> src/<dep>) and gives the object library that directory, and
# not src/, as its only include directory. Visible = the module and the transitive closure of
# its DEPENDS (a header of mw2 that includes lp/ must compile in maps too).
#
#   gmmot_add_module(<name> [DEPENDS <module>...] [LIBRARIES <target>...])
#     Declare modules bottom-up: every DEPENDS entry must already be declared (so the graph
#     has no cycles). LIBRARIES are linked PRIVATE (e.g. the BLAS targets, linalg only).
#     Makes the target gmmot_<name> with sources src/<name>/*.cpp.
#   gmmot_module_view(<name> <out-var>)
#     The include view directory of a module (the layer tests compile probes against it).
#   gmmot_add_core(<target>)
#     After the last module: a STATIC library of all module objects with src/ as its PUBLIC
#     include root, for capi, the core tests and the benchmarks. Fails if a folder of src/
#     has no gmmot_add_module line (its files would silently not be built).

include_guard(GLOBAL)

set(GMMOT_MODULE_ROOT "${PROJECT_SOURCE_DIR}/src")

# Compile options for every module at once (e.g. sanitizer or coverage flags): add them to this
# INTERFACE target. gmmot_core has no sources of its own, so options set on it compile nothing.
add_library(gmmot_module_options INTERFACE)
# No errno from the math functions (the library never reads it): a square root is then one
# instruction instead of one plus a test and a call for negative arguments, which blocks
# vectorisation and costs a branch in the lane kernels' bookkeeping (3-4% of the dqds at d = 27).
# Results are unchanged: sqrt is correctly rounded either way, and no reassociation is allowed.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(gmmot_module_options INTERFACE -fno-math-errno)
endif()

function(gmmot_add_module name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "DEPENDS;LIBRARIES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gmmot_add_module(${name}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_property(known GLOBAL PROPERTY GMMOT_MODULES)
  if(name IN_LIST known)
    message(FATAL_ERROR "gmmot_add_module(${name}): declared twice")
  endif()
  if(NOT IS_DIRECTORY "${GMMOT_MODULE_ROOT}/${name}")
    message(FATAL_ERROR "gmmot_add_module(${name}): there is no folder src/${name}/")
  endif()
  set(closure "")
  foreach(dep IN LISTS ARG_DEPENDS)
    if(NOT dep IN_LIST known)
      message(FATAL_ERROR "gmmot_add_module(${name}): ${dep} is not declared before it "
                          "(declare modules bottom-up, along the arrows of architecture.md)")
    endif()
    get_property(dep_closure GLOBAL PROPERTY GMMOT_MODULE_CLOSURE_${dep})
    list(APPEND closure ${dep} ${dep_closure})
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set_property(GLOBAL PROPERTY GMMOT_MODULE_CLOSURE_${name} "${closure}")
  set_property(GLOBAL APPEND PROPERTY GMMOT_MODULES ${name})

  # The include view, rebuilt at every configure so that a removed arrow removes its link.
  # REMOVE_RECURSE deletes the links themselves, never what they point to.
  set(view "${PROJECT_BINARY_DIR}/layers/${name}")
  file(REMOVE_RECURSE "${view}")
  file(MAKE_DIRECTORY "${view}")
  foreach(visible IN LISTS name closure)
    file(CREATE_LINK "${GMMOT_MODULE_ROOT}/${visible}" "${view}/${visible}" SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS "${GMMOT_MODULE_ROOT}/${name}/*.cpp")
  file(GLOB headers CONFIGURE_DEPENDS "${GMMOT_MODULE_ROOT}/${name}/*.hpp")
  if(NOT sources)
    message(FATAL_ERROR "gmmot_add_module(${name}): src/${name}/ has no .cpp file")
  endif()
  set(target gmmot_${name})
  add_library(${target} OBJECT ${sources} ${headers})
  target_include_directories(${target} PRIVATE "${view}")
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_link_libraries(${target} PRIVATE gmmot_module_options Threads::Threads ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON GMMOT_INCLUDE_VIEW "${view}")
  gmmot_set_warnings(${target})
endfunction()

function(gmmot_module_view name out_var)
  if(NOT TARGET gmmot_${name})
    message(FATAL_ERROR "gmmot_module_view(${name}): no such module")
  endif()
  get_target_property(view gmmot_${name} GMMOT_INCLUDE_VIEW)
  set(${out_var} "${view}" PARENT_SCOPE)
endfunction()

function(gmmot_add_core target)
  get_property(modules GLOBAL PROPERTY GMMOT_MODULES)
  file(GLOB entries LIST_DIRECTORIES true RELATIVE "${GMMOT_MODULE_ROOT}" CONFIGURE_DEPENDS
       "${GMMOT_MODULE_ROOT}/*")
  foreach(entry IN LISTS entries)
    if(IS_DIRECTORY "${GMMOT_MODULE_ROOT}/${entry}" AND NOT entry IN_LIST modules)
      message(FATAL_ERROR "src/${entry}/ is not a module: add gmmot_add_module(${entry} "
                          "DEPENDS ...) to CMakeLists.txt (architecture.md gives its arrows)")
    endif()
  endforeach()
  # Views of modules that no longer exist go too.
  file(GLOB views LIST_DIRECTORIES true RELATIVE "${PROJECT_BINARY_DIR}/layers"
       "${PROJECT_BINARY_DIR}/layers/*")
  foreach(view IN LISTS views)
    if(NOT view IN_LIST modules)
      file(REMOVE_RECURSE "${PROJECT_BINARY_DIR}/layers/${view}")
    endif()
  endforeach()
  add_library(${target} STATIC)
  # Objects, not target_link_libraries: linking object libraries would also hand them to every
  # consumer of the static library.
  foreach(module IN LISTS modules)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:gmmot_${module}>)
  endforeach()
  target_include_directories(${target} PUBLIC "${GMMOT_MODULE_ROOT}")
  target_compile_features(${target} PUBLIC cxx_std_17)
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX)
endfunction()
