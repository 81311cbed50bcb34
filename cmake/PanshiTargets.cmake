# SPDX-License-Identifier: Apache-2.0
# Compiler flags shared by every target, and helpers that declare a module
# (one folder of src/ = one static library) and its unit tests.

add_compile_definitions(_GNU_SOURCE PANSHI_VERSION="${PROJECT_VERSION}")
add_compile_options(
	-Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes
	-Wstrict-prototypes -Wpointer-arith -Wvla -Wundef -Wcast-align
	-Wno-missing-field-initializers -fno-common
	-Werror=implicit-function-declaration)
if(PANSHI_WERROR)
	add_compile_options(-Werror)
endif()
if(PANSHI_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
		-fno-omit-frame-pointer)
	add_link_options(-fsanitize=address,undefined)
endif()
if(PANSHI_FUZZ)
	# Instrument all library code for coverage; only fuzz targets link
	# libFuzzer's main (fuzz/CMakeLists.txt).
	add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# ps_module(NAME DEPS lib...): static library ps_NAME from src/NAME/*.c.
function(ps_module name)
	cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
	file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
	add_library(ps_${name} STATIC ${srcs})
	target_include_directories(ps_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
	target_link_libraries(ps_${name} PUBLIC ${M_DEPS})
endfunction()

# ps_unit_tests(MODULE [LIBS lib...]): one test executable per
# tests/unit/MODULE/test_*.c, registered with CTest under label MODULE.
# Tests find fixtures through PANSHI_SOURCE_DIR.
function(ps_unit_tests module)
	cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
	file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_*.c)
	foreach(src ${tests})
		get_filename_component(base ${src} NAME_WE)
		set(exe ${module}_${base})
		add_executable(${exe} ${src})
		target_link_libraries(${exe} PRIVATE ps_${module} ${T_LIBS}
			PkgConfig::CMOCKA)
		add_test(NAME ${exe} COMMAND ${exe})
		set_tests_properties(${exe} PROPERTIES LABELS "unit;${module}"
			ENVIRONMENT "PANSHI_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
			SKIP_RETURN_CODE 77 TIMEOUT 300)
	endforeach()
endfunction()
