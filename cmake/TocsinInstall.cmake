# `cmake --install`: the tocsin binary, the public header (engine/include/tocsin/) and the
# libraries behind it as a CMake package, so that a C++ service can do
#
#   find_package(tocsin CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE tocsin::tocsin)
#
# tocsin::tocsin is tocsin_engine (tocsin::Engine); the module libraries it is built from are
# installed and exported with it (tocsin::tocsin_*), as static archives.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every library target named tocsin_* under `dir` (recursively), tests and examples excluded.
function(tocsin_library_targets dir out)
  set(found "")
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(t MATCHES "^tocsin_" AND type MATCHES "^(STATIC|INTERFACE)_LIBRARY$")
      list(APPEND found ${t})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    tocsin_library_targets("${sub}" sub_found)
    list(APPEND found ${sub_found})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

set(tocsin_installed_libraries "")
foreach(dir storage engine rules notifiers)
  tocsin_library_targets("${PROJECT_SOURCE_DIR}/${dir}" libs)
  list(APPEND tocsin_installed_libraries ${libs})
endforeach()

set_target_properties(tocsin_engine PROPERTIES EXPORT_NAME tocsin)
add_library(tocsin::tocsin ALIAS tocsin_engine)
target_include_directories(tocsin_engine PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS ${tocsin_installed_libraries} EXPORT tocsinTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/tocsin)
install(TARGETS tocsin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/engine/include/tocsin"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT tocsinTargets NAMESPACE tocsin::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tocsin)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/tocsinConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/tocsinConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tocsin)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/tocsinConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/tocsinConfig.cmake"
              "${PROJECT_BINARY_DIR}/tocsinConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tocsin)
