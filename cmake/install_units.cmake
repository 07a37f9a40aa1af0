# Generates the systemd units from config/systemd/*.in with the install's paths, and installs
# them (unless walnut_units_generate_only). Run by cmake/install.cmake, at install time (where
# CMAKE_INSTALL_PREFIX is the install's --prefix) and at configure time (for the unit checks).
# In: walnut_unit_source_dir, walnut_unit_stage_dir, walnut_unit_templates, walnut_unit_dir,
# walnut_server_dir, walnut_driver_dir, walnut_bin_dir, walnut_doc_dir (relative to the prefix,
# or absolute).
function(walnut_full_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

walnut_full_path(server_dir "${walnut_server_dir}")
walnut_full_path(driver_dir "${walnut_driver_dir}")
walnut_full_path(bin_dir "${walnut_bin_dir}")
walnut_full_path(WALNUT_DOCDIR "${walnut_doc_dir}")
walnut_full_path(unit_dir "${walnut_unit_dir}")
set(WALNUT_UPSD "${server_dir}/upsd")
set(WALNUT_USBHID_UPS "${driver_dir}/usbhid-ups")
set(WALNUT_TEXTFILE "${bin_dir}/walnut-textfile")

set(generated "")
foreach(unit IN LISTS walnut_unit_templates)
  configure_file("${walnut_unit_source_dir}/${unit}.in" "${walnut_unit_stage_dir}/${unit}" @ONLY)
  list(APPEND generated "${walnut_unit_stage_dir}/${unit}")
endforeach()
if(NOT walnut_units_generate_only)
  file(INSTALL ${generated} DESTINATION "${unit_dir}")
endif()
