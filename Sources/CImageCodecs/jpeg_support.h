/* libjpeg error handling shared by the JPEG decoder and encoder (internal). */
#ifndef GLIMPSE_JPEG_SUPPORT_H
#define GLIMPSE_JPEG_SUPPORT_H

#include "codec_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>

/* An error manager that longjmps back into our code instead of exiting, with a classified status. */
typedef struct gc_jpeg_error {
    struct jpeg_error_mgr manager;  /* must be first: libjpeg sees only this */
    jmp_buf jump;
    gc_status status;               /* classification of the error that jumped */
    char *message;
    size_t message_capacity;
    int strict_warnings;            /* decoder: corrupt-data warnings become errors */
} gc_jpeg_error;

/* Installs the handlers into `error` and returns the manager for `cinfo->err`.
   No libjpeg message ever reaches stderr. */
struct jpeg_error_mgr *gc_jpeg_error_init(gc_jpeg_error *error, char *message, size_t message_capacity,
                                          int strict_warnings);

/* Writes libjpeg's text for the current message code into the caller's message buffer. */
void gc_jpeg_format_message(j_common_ptr cinfo, gc_jpeg_error *error);

#endif
