# Warnings as an INTERFACE target (after HighFive's cmake/HighFiveWarnings.cmake).
add_library(acosim_warnings INTERFACE)
target_compile_options(acosim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  # GCC 12 reports false positives inside libstdc++ string code at -O2 (GCC PR 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(ACOSIM_WERROR)
  target_compile_options(acosim_warnings INTERFACE -Werror)
endif()

add_library(acosim_sanitizers INTERFACE)
if(ACOSIM_SANITIZE)
  target_compile_options(acosim_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(acosim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
# libFuzzer builds (scripts/fuzz.sh, clang only): every room library gets coverage
# instrumentation with ASan + UBSan; the fuzz executables add the fuzzer's main.
if(ACOSIM_FUZZ)
  target_compile_options(acosim_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(acosim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
