#pragma once
#include <stddef.h>
#include <stdint.h>
// libFuzzer's entry point for programs that keep their own main (SwiftPM renames an executable's main).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

// Runs `callback(data, size)` on a new thread with a stack of `stack_bytes` and returns its result:
// the fuzz targets test each input on the smallest stack a production thread has, so a recursion
// that only the main thread's 8 MB survives is found here rather than in a plant.
int prognos_fuzz_on_stack(size_t stack_bytes, int (*callback)(const uint8_t *, size_t), const uint8_t *data,
                          size_t size);
