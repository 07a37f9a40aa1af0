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
    ${CMAKE_CURRENT_LIST_DIR}/driver_socket.cpp
    ${CMAKE_CURRENT_LIST_DIR}/state_publisher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ups_device.cpp
  )
  target_link_libraries(walnut_usbhid PUBLIC
    walnut_common walnut_transport walnut_hid walnut_hid_mapping walnut_asio
    PRIVATE walnut_version)

  add_executable(usbhid-ups ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
  target_link_libraries(usbhid-ups PRIVATE walnut_usbhid walnut_version)
endif()
