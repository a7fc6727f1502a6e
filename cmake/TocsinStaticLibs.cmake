# SQLite, RE2, yaml-cpp and Abseil linked from Debian's static archives when they are installed (they
# come with the -dev packages). A shared library costs a process its own pages for the dynamic
# symbol tables, relocations and segment boundaries, plus the code of every function it exports;
# linked statically, only what tocsin calls is there. Measured on `tocsin run` (docs/benchmarks.md):
# about 0.5 MiB less resident memory. Abseil matters most: the one flat_hash_map tocsin uses pulls
# in 31 of Debian's libabsl_*.so. -DTOCSIN_STATIC_LIBS=OFF links the shared libraries.
option(TOCSIN_STATIC_LIBS "Link SQLite, RE2, yaml-cpp and Abseil statically when the archives exist"
       ON)

# The archive next to `shared` (libfoo.so or libfoo.so.N...), or "" when there is none.
function(tocsin_static_archive shared out)
  string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${shared}")
  if(NOT archive STREQUAL shared AND EXISTS "${archive}")
    set(${out} "${archive}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# An imported library target (SQLite::SQLite3, yaml-cpp) pointed at its archive.
function(tocsin_use_static_archive target)
  foreach(property IMPORTED_LOCATION IMPORTED_LOCATION_NONE IMPORTED_LOCATION_RELEASE
                   IMPORTED_LOCATION_RELWITHDEBINFO)
    get_target_property(location ${target} ${property})
    if(location)
      tocsin_static_archive("${location}" archive)
      if(archive)
        set_target_properties(${target} PROPERTIES ${property} "${archive}")
      endif()
    endif()
  endforeach()
endfunction()

if(TOCSIN_STATIC_LIBS)
  tocsin_use_static_archive(SQLite::SQLite3)
  tocsin_use_static_archive(yaml-cpp)
  # pkg-config's RE2 target lists the shared library as a link item.
  get_target_property(re2_libs PkgConfig::RE2 INTERFACE_LINK_LIBRARIES)
  set(re2_static "")
  foreach(item IN LISTS re2_libs)
    tocsin_static_archive("${item}" archive)
    if(archive)
      list(APPEND re2_static "${archive}")
    else()
      list(APPEND re2_static "${item}")
    endif()
  endforeach()
  set_target_properties(PkgConfig::RE2 PROPERTIES INTERFACE_LINK_LIBRARIES "${re2_static}")
  # Every Abseil library its CMake package imported (they depend on one another).
  get_directory_property(imported IMPORTED_TARGETS)
  foreach(target IN LISTS imported)
    if(target MATCHES "^absl::")
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "SHARED_LIBRARY")
        tocsin_use_static_archive(${target})
      endif()
    endif()
  endforeach()
endif()
