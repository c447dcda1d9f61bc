#include "CFuzzDriver.h"
#include <pthread.h>

struct fuzz_call {
    int (*callback)(const uint8_t *, size_t);
    const uint8_t *data;
    size_t size;
    int result;
};

static void *run_call(void *raw) {
    struct fuzz_call *call = raw;
    call->result = call->callback(call->data, call->size);
    return NULL;
}

int prognos_fuzz_on_stack(size_t stack_bytes, int (*callback)(const uint8_t *, size_t), const uint8_t *data,
                          size_t size) {
    struct fuzz_call call = {callback, data, size, 0};
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, stack_bytes);
    if (pthread_create(&thread, &attributes, run_call, &call) != 0) {
        pthread_attr_destroy(&attributes);
        return callback(data, size);
    }
    pthread_attr_destroy(&attributes);
    pthread_join(thread, NULL);
    return call.result;
}
