# The Encore provider's catalog: provider config (encore_provider.cc) and
# every resource, data source, ephemeral resource and function, one per
# file. Sources are the folders' .cc files (tests excluded).
set(CATALOG_DIRS resources data_sources ephemeral functions config)
set(CATALOG_SRCS ${CMAKE_CURRENT_SOURCE_DIR}/encore_provider.cc)
set(CATALOG_TESTS)
foreach(dir ${CATALOG_DIRS})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cc)
  foreach(src ${srcs})
    if(src MATCHES "_test\\.cc$")
      list(APPEND CATALOG_TESTS ${src})
    else()
      list(APPEND CATALOG_SRCS ${src})
    endif()
  endforeach()
endforeach()

add_library(encore_catalog STATIC ${CATALOG_SRCS})
# encore_agent_client is defined later (agent/api); CMake resolves it at
# generate time.
target_link_libraries(encore_catalog PUBLIC encore_framework encore_model
                      encore_agent_client OpenSSL::Crypto)
target_compile_definitions(encore_catalog PRIVATE
                           ENCORE_VERSION="${ENCORE_VERSION}")

if(CATALOG_TESTS)
  add_executable(catalog_unit_tests ${CATALOG_TESTS})
  target_link_libraries(catalog_unit_tests PRIVATE encore_catalog GTest::gtest_main)
  gtest_discover_tests(catalog_unit_tests DISCOVERY_MODE PRE_TEST)
endif()
