# The usbhid-ups driver process: walnut_usbhid (options, the device side, the driver loop, the
# driver socket server, state publishing) and the build/bin/usbhid-ups executable.
# Included by drivers/usbhid/CMakeLists.txt; needs the HID core and the mapping libraries.
if(TARGET walnut_hid AND TARGET walnut_hid_mapping)
  add_library(walnut_usbhid
    ${CMAKE_CURRENT_LIST_DIR}/device_capture.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_core.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_info.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_loop.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_process.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_query.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_vars.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mapping_file.cpp
    ${CMAKE_CURRENT_LIST_DIR}/driver_socket.cpp
    ${CMAKE_CURRENT_LIST_DIR}/state_publisher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ups_device.cpp
  )
  target_link_libraries(walnut_usbhid PUBLIC
    walnut_common walnut_transport walnut_hid walnut_hid_mapping walnut_asio
    PRIVATE walnut_version)

  # walnut-yaml: the driver's YAML reader, run as a child (common/yaml_helper.h), and the build
  # step that packs the compiled-in mappings and usage tables (mapping_pack.h) into
  # walnut_packed_tables: an object library, linked by every program that reads those tables
  # (builtin_mapping(), UsageTable::find()); walnut-yaml itself reads the YAML.
  add_executable(walnut-yaml ${CMAKE_CURRENT_LIST_DIR}/walnut_yaml_main.cpp)
  target_link_libraries(walnut-yaml PRIVATE walnut_hid_mapping walnut_sim)
  set(packed_tables ${CMAKE_CURRENT_BINARY_DIR}/packed_tables.cpp)
  add_custom_command(
    OUTPUT ${packed_tables}
    COMMAND walnut-yaml builtin-tables ${packed_tables}
    DEPENDS walnut-yaml
    COMMENT "Packing the vendor mappings and usage tables"
    VERBATIM)
  add_library(walnut_packed_tables OBJECT ${packed_tables})
  target_include_directories(walnut_packed_tables PRIVATE ${PROJECT_SOURCE_DIR})

  add_executable(usbhid-ups ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
  target_link_libraries(usbhid-ups PRIVATE walnut_usbhid walnut_packed_tables walnut_version)
  walnut_link_order(usbhid-ups ${CMAKE_CURRENT_LIST_DIR}/usbhid-ups.order)
endif()
