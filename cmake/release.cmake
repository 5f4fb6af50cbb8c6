# Release links (.goreleaser-free-scripts/release.sh builds them):
#
#   terraform-provider-encore-release (build/release/)
#       needs nothing beyond the C library: gRPC, protobuf, abseil, re2,
#       c-ares, upb, OpenSSL, zlib, libstdc++ and libgcc linked statically.
#   encore-agent-release (build/release/)
#       the same, except libpq, libnats and OpenSSL (shared: libpq and
#       libnats load libssl themselves; one OpenSSL per process).
#
# Both are EXCLUDE_FROM_ALL, stripped at link time, and reuse the very
# objects and static libraries of terraform-provider-encore and
# encore-agent (no second compilation): only the link differs. Their file
# names are the target names: Ninja makes a file name an alias, so a
# release binary named terraform-provider-encore would take over
# `ninja terraform-provider-encore`. The project's static libraries are
# found by walking the link graph of the binary's main object library;
# each imported dependency must have an entry in encore_release_pkg_modules
# below, so a new one fails the configure step instead of slipping in as a
# shared library.

# Imported target -> pkg-config modules whose --static libraries replace it.
function(encore_release_pkg_modules target out)
  set(map
    "PkgConfig::GRPCPP=grpc++" "PkgConfig::PROTOBUF=protobuf"
    "OpenSSL::SSL=libssl,libcrypto" "OpenSSL::Crypto=libcrypto"
    "PkgConfig::SQLITE3=sqlite3" "PkgConfig::HIREDIS=hiredis"
    "PkgConfig::LIBPQ=libpq" "PkgConfig::LIBNATS=libnats"
    "PkgConfig::PG_CLUSTER_LIBPQ=libpq"
    "nlohmann_json::nlohmann_json=" "Threads::Threads=")
  foreach(entry ${map})
    string(FIND "${entry}" "=" eq)
    string(SUBSTRING "${entry}" 0 ${eq} name)
    if(name STREQUAL target)
      math(EXPR start "${eq} + 1")
      string(SUBSTRING "${entry}" ${start} -1 modules)
      string(REPLACE "," ";" modules "${modules}")
      set(${out} "${modules}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "release link: ${target} has no entry in "
                      "encore_release_pkg_modules (cmake/release.cmake)")
endfunction()

# Walks the link graph from ROOT: project static libraries (in link order,
# first seen first) into OUT_LIBS, pkg-config modules into OUT_MODULES.
function(encore_release_walk root out_libs out_modules)
  set(libs)
  set(modules)
  set(queue ${root})
  set(seen)
  while(queue)
    list(POP_FRONT queue item)
    if(item IN_LIST seen OR item MATCHES "^::@")
      continue()
    endif()
    list(APPEND seen ${item})
    # pkg-config's imported targets are local to the directory that made
    # them: not visible here, so anything that is not a project target
    # goes through the map.
    set(imported TRUE)
    if(TARGET ${item})
      get_target_property(imported ${item} IMPORTED)
    endif()
    if(imported)
      encore_release_pkg_modules(${item} mods)
      list(APPEND modules ${mods})
      continue()
    endif()
    get_target_property(type ${item} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      list(APPEND libs ${item})
    elseif(NOT type STREQUAL "OBJECT_LIBRARY" AND NOT type STREQUAL "INTERFACE_LIBRARY")
      message(FATAL_ERROR "release link: ${item} is a ${type}")
    endif()
    if(type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(deps ${item} INTERFACE_LINK_LIBRARIES)
    else()
      get_target_property(deps ${item} LINK_LIBRARIES)
    endif()
    if(deps)
      list(APPEND queue ${deps})
    endif()
  endwhile()
  list(REMOVE_DUPLICATES modules)
  set(${out_libs} ${libs} PARENT_SCOPE)
  set(${out_modules} ${modules} PARENT_SCOPE)
endfunction()

# The -l names of pkg-config MODULES (--static when STATIC is TRUE).
function(encore_release_pkg_libs modules static out)
  set(args --libs-only-l)
  if(static)
    list(APPEND args --static)
  endif()
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} ${args} ${modules}
    OUTPUT_VARIABLE flags RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "release link: pkg-config ${args} ${modules} failed")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(names)
  foreach(f ${flags})
    string(REGEX REPLACE "^-l" "" name "${f}")
    list(APPEND names ${name})
  endforeach()
  list(REMOVE_DUPLICATES names)
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# encore_release_binary(TARGET MAIN_OBJECTS SHARED_MODULES...)
function(encore_release_binary target main_objects)
  set(shared_modules ${ARGN})
  encore_release_walk(${main_objects} libs modules)
  list(REMOVE_ITEM modules ${shared_modules})

  # The C library's parts stay shared; so do the shared modules' libraries.
  set(glibc c m dl rt pthread resolv util)
  set(shared_names)
  if(shared_modules)
    encore_release_pkg_libs("${shared_modules}" FALSE shared_names)
  endif()
  set(static_names)
  if(modules)
    encore_release_pkg_libs("${modules}" TRUE static_names)
  endif()
  set(static_flags)
  foreach(name ${static_names})
    if(NOT name IN_LIST glibc AND NOT name IN_LIST shared_names)
      list(APPEND static_flags "-l:lib${name}.a")
    endif()
  endforeach()
  set(archives)
  foreach(lib ${libs})
    list(APPEND archives $<TARGET_FILE:${lib}>)
  endforeach()

  add_executable(${target} EXCLUDE_FROM_ALL $<TARGET_OBJECTS:${main_objects}>)
  add_dependencies(${target} ${libs})
  set_target_properties(${target} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/release
    LINKER_LANGUAGE CXX)
  target_link_options(${target} PRIVATE
    -static-libstdc++ -static-libgcc -pthread -Wl,--strip-all)
  # One group: archives reference each other in every direction.
  set(shared_flags)
  foreach(name ${shared_names})
    list(APPEND shared_flags "-l${name}")
  endforeach()
  target_link_libraries(${target} PRIVATE
    -Wl,--start-group ${archives} ${static_flags} -Wl,--end-group
    -Wl,--as-needed ${shared_flags} -ldl -lrt -lm)
endfunction()

if(NOT ENCORE_SANITIZE AND NOT ENCORE_FUZZ)
  encore_release_binary(terraform-provider-encore-release
    terraform_provider_encore_main)
  encore_release_binary(encore-agent-release
    encore_agent_main libpq libnats libssl libcrypto)
endif()
