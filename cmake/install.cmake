# `cmake --install`: binaries, systemd units, tmpfiles, udev rules, example configs, alert
# rules, scenarios, docs and (docs/man/CMakeLists.txt, when present) man pages.
#
#   upsd        sbin/                  (WALNUT_NUT_LAYOUT: lib/nut/, where Debian's NUT keeps it)
#   walnut-tls.so beside upsd          (upsd's OpenSSL code, loaded when CERTFILE is set,
#                                       server/tls_module_loader.h)
#   usbhid-ups  lib/walnut/            (WALNUT_NUT_LAYOUT: lib/nut/)
#   walnut-yaml beside usbhid-ups      (the driver's YAML reader, common/yaml_helper.h)
#   walnut-sim, walnut-textfile, walnut-udev-rules   bin/   (walnut-bench is not installed)
#   units       lib/systemd/system/    (WALNUT_SYSTEMD_UNIT_DIR)
#   tmpfiles    lib/tmpfiles.d/walnut.conf
#   udev        lib/udev/rules.d/63-walnut-usbups.rules (WALNUT_UDEV_RULES_DIR; see udev/)
#   docs        share/doc/walnut/ (README.md, LICENSE, docs/, examples/)
#   scenarios   share/walnut/scenarios/
#
# The units are generated at install time from config/systemd/*.in, so their ExecStart= and
# Documentation= paths are the ones this install creates, also with `--prefix` (and DESTDIR).
include(GNUInstallDirs)

if(WALNUT_NUT_LAYOUT)
  set(walnut_server_dir_default lib/nut)
  set(walnut_driver_dir_default lib/nut)
else()
  set(walnut_server_dir_default ${CMAKE_INSTALL_SBINDIR})
  set(walnut_driver_dir_default lib/walnut)
endif()
set(WALNUT_SERVER_DIR ${walnut_server_dir_default} CACHE STRING "Where upsd is installed")
set(WALNUT_DRIVER_DIR ${walnut_driver_dir_default} CACHE STRING "Where usbhid-ups is installed")
set(WALNUT_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING "Where the systemd units go")
set(WALNUT_TMPFILES_DIR lib/tmpfiles.d CACHE STRING "Where the tmpfiles.d snippet goes")
set(WALNUT_UDEV_RULES_DIR lib/udev/rules.d CACHE STRING "Where the udev rules go")
# Cached dirs follow a later change of WALNUT_NUT_LAYOUT.
if(DEFINED walnut_last_nut_layout AND NOT walnut_last_nut_layout STREQUAL WALNUT_NUT_LAYOUT)
  set(WALNUT_SERVER_DIR ${walnut_server_dir_default} CACHE STRING "Where upsd is installed" FORCE)
  set(WALNUT_DRIVER_DIR ${walnut_driver_dir_default} CACHE STRING "Where usbhid-ups is installed"
      FORCE)
endif()
set(walnut_last_nut_layout ${WALNUT_NUT_LAYOUT} CACHE INTERNAL "")

# walnut_installed_path(OUT DIR NAME): where NAME lands when installed in DIR (a cache dir,
# relative to the prefix or absolute), for programs that look for their helpers there.
function(walnut_installed_path out dir name)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}/${name}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}/${name}" PARENT_SCOPE)
  endif()
endfunction()

install(TARGETS upsd RUNTIME DESTINATION ${WALNUT_SERVER_DIR})
install(TARGETS walnut-tls LIBRARY DESTINATION ${WALNUT_SERVER_DIR})
# upsd finds the module beside itself, or (an upsd run from elsewhere) here.
walnut_installed_path(walnut_tls_module "${WALNUT_SERVER_DIR}" walnut-tls.so)
target_compile_definitions(walnut_server PRIVATE WALNUT_TLS_MODULE_PATH="${walnut_tls_module}")
if(TARGET usbhid-ups)
  install(TARGETS usbhid-ups walnut-yaml RUNTIME DESTINATION ${WALNUT_DRIVER_DIR})
  # Programs that run walnut-yaml find it beside themselves, or (walnut-sim, in bin/) here.
  walnut_installed_path(walnut_yaml_helper "${WALNUT_DRIVER_DIR}" walnut-yaml)
  target_compile_definitions(walnut_common PRIVATE WALNUT_YAML_HELPER="${walnut_yaml_helper}")
endif()
foreach(program walnut-sim walnut-textfile walnut-udev-rules)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# The units: configure_file() run by the install step, with the install's own prefix.
set(walnut_unit_templates
  walnut-textfile.service walnut-textfile.timer walnut-textfile-interval.service
  walnut-upsd.service walnut-usbhid-ups.target
  walnut-usbhid-ups@.service)
install(CODE "
  set(walnut_unit_source_dir \"${PROJECT_SOURCE_DIR}/config/systemd\")
  set(walnut_unit_stage_dir \"${PROJECT_BINARY_DIR}/install-units\")
  set(walnut_unit_templates \"${walnut_unit_templates}\")
  set(walnut_unit_dir \"${WALNUT_SYSTEMD_UNIT_DIR}\")
  set(walnut_server_dir \"${WALNUT_SERVER_DIR}\")
  set(walnut_driver_dir \"${WALNUT_DRIVER_DIR}\")
  set(walnut_bin_dir \"${CMAKE_INSTALL_BINDIR}\")
  set(walnut_doc_dir \"${CMAKE_INSTALL_DOCDIR}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/install_units.cmake\")
")
install(FILES config/systemd/walnut-tmpfiles.conf DESTINATION ${WALNUT_TMPFILES_DIR}
        RENAME walnut.conf)

# The same units generated at configure time for the configured prefix, so tests can check
# them (tests/systemd) without installing.
set(walnut_unit_source_dir ${PROJECT_SOURCE_DIR}/config/systemd)
set(walnut_unit_stage_dir ${PROJECT_BINARY_DIR}/systemd)
set(walnut_unit_dir ${WALNUT_SYSTEMD_UNIT_DIR})
set(walnut_server_dir ${WALNUT_SERVER_DIR})
set(walnut_driver_dir ${WALNUT_DRIVER_DIR})
set(walnut_bin_dir ${CMAKE_INSTALL_BINDIR})
set(walnut_doc_dir ${CMAKE_INSTALL_DOCDIR})
set(walnut_units_generate_only ON)
include(cmake/install_units.cmake)
unset(walnut_units_generate_only)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/cmake/install_units.cmake)
foreach(template IN LISTS walnut_unit_templates)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/config/systemd/${template}.in)
endforeach()

# udev: walnut's rules under a name of their own, after Debian's 62-nut-usbups.rules, never
# in its place. WALNUT_UDEV_NUT_RULES names NUT's rules file to complement: "auto" (the
# default) uses Debian's file when this host has it (then only what it lacks is installed),
# "none" installs the whole claim table, a path complements that file.
set(WALNUT_UDEV_NUT_RULES auto CACHE STRING
    "NUT's udev rules file to complement: auto, none, or a path")
install(CODE "
  set(nut_rules \"${WALNUT_UDEV_NUT_RULES}\")
  if(nut_rules STREQUAL \"auto\")
    set(nut_rules none)
    foreach(candidate /lib/udev/rules.d/62-nut-usbups.rules /usr/lib/udev/rules.d/62-nut-usbups.rules)
      if(EXISTS \"\${candidate}\")
        set(nut_rules \"\${candidate}\")
        break()
      endif()
    endforeach()
  endif()
  set(rules \"${PROJECT_BINARY_DIR}/udev/63-walnut-usbups.rules\")
  if(nut_rules STREQUAL \"none\")
    execute_process(COMMAND \"$<TARGET_FILE:walnut-udev-rules>\" \"\${rules}\"
                    RESULT_VARIABLE failed)
  else()
    message(STATUS \"udev: only what \${nut_rules} lacks\")
    execute_process(COMMAND \"$<TARGET_FILE:walnut-udev-rules>\" --missing-from \"\${nut_rules}\"
                            \"\${rules}\" RESULT_VARIABLE failed)
  endif()
  if(failed)
    message(FATAL_ERROR \"walnut-udev-rules failed\")
  endif()
  if(IS_ABSOLUTE \"${WALNUT_UDEV_RULES_DIR}\")
    file(INSTALL \"\${rules}\" DESTINATION \"${WALNUT_UDEV_RULES_DIR}\")
  else()
    file(INSTALL \"\${rules}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${WALNUT_UDEV_RULES_DIR}\")
  endif()
")

# Examples, alert rules, scenarios and docs.
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        PATTERN man EXCLUDE PATTERN CMakeLists.txt EXCLUDE)
install(FILES config/examples/ups.conf config/examples/upsd.conf config/examples/upsd.users
              config/examples/walnut.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES config/prometheus/ups-alerts.yml config/prometheus/ups-alerts.test.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/prometheus)
install(DIRECTORY config/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/walnut/scenarios)

# Man pages: docs/man/CMakeLists.txt, when it exists, installs them (CMAKE_INSTALL_MANDIR).
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/man/CMakeLists.txt)
  add_subdirectory(docs/man)
endif()
