# walnut_embed_yaml(OUT_VAR SOURCE_DIR NAMESPACE HEADER COMMENT): the rule that compiles every
# SOURCE_DIR/*.yaml into a generated C++ file (cmake/embed_yaml.cmake), named in OUT_VAR for
# add_library. SOURCE_DIR is relative to the project; HEADER declares the EmbeddedYaml table.
function(walnut_embed_yaml out_var source_dir namespace header comment)
  file(GLOB files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${source_dir}/*.yaml)
  list(SORT files)
  string(REPLACE ";" "|" inputs "${files}")
  string(REPLACE "/" "_" stem "${source_dir}")
  set(output ${CMAKE_CURRENT_BINARY_DIR}/embedded_${stem}.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DINPUTS=${inputs}" -DNAMESPACE=${namespace}
            -DHEADER=${header} -DSOURCE_GLOB=${source_dir}/*.yaml -P ${PROJECT_SOURCE_DIR}/cmake/embed_yaml.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_yaml.cmake
    COMMENT "${comment}"
    VERBATIM)
  set(${out_var} ${output} PARENT_SCOPE)
endfunction()
