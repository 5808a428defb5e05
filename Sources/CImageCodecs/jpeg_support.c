/* libjpeg error manager: errors and data-corruption warnings longjmp back with a status and message. */
#include "jpeg_support.h"

#include <string.h>

void gc_jpeg_format_message(j_common_ptr cinfo, gc_jpeg_error *error) {
    char text[JMSG_LENGTH_MAX];
    text[0] = '\0';
    (*cinfo->err->format_message)(cinfo, text);
    gc_write_message(error->message, error->message_capacity, "%s", text);
}

static gc_status classify_error(int code) {
    switch (code) {
    case JERR_INPUT_EOF:
        return GC_ERROR_TRUNCATED;
    case JERR_BAD_PRECISION:        /* 12-bit data in an 8-bit build */
    case JERR_SOF_UNSUPPORTED:      /* lossless, hierarchical, ... */
    case JERR_NOT_COMPILED:
    case JERR_CONVERSION_NOTIMPL:   /* e.g. two-component images */
        return GC_ERROR_UNSUPPORTED;
    case JERR_OUT_OF_MEMORY:
        return GC_ERROR_OUT_OF_MEMORY;
    default:
        return GC_ERROR_CORRUPT;
    }
}

static void error_exit(j_common_ptr cinfo) {
    gc_jpeg_error *error = (gc_jpeg_error *)cinfo->err;
    error->status = classify_error(error->manager.msg_code);
    gc_jpeg_format_message(cinfo, error);
    longjmp(error->jump, 1);
}

/* level -1 is a warning; 0 and up are trace messages (ignored). In strict mode the warnings that mean
   the data is damaged stop decoding: libjpeg would otherwise go on and return a grey or smeared image. */
static void emit_message(j_common_ptr cinfo, int level) {
    gc_jpeg_error *error = (gc_jpeg_error *)cinfo->err;
    if (level >= 0) return;
    error->manager.num_warnings++;
    if (!error->strict_warnings) return;
    switch (error->manager.msg_code) {
    case JWRN_JPEG_EOF:             /* "Premature end of JPEG file" */
        error->status = GC_ERROR_TRUNCATED;
        break;
    case JWRN_HIT_MARKER:           /* "Corrupt JPEG data: premature end of data segment" */
    case JWRN_HUFF_BAD_CODE:        /* "Corrupt JPEG data: bad Huffman code" */
    case JWRN_MUST_RESYNC:          /* "Corrupt JPEG data: found marker ... instead of RST" */
        error->status = GC_ERROR_CORRUPT;
        break;
    default:                        /* harmless: extraneous bytes, odd JFIF versions, ... */
        return;
    }
    gc_jpeg_format_message(cinfo, error);
    longjmp(error->jump, 1);
}

static void output_message(j_common_ptr cinfo) { (void)cinfo; }

struct jpeg_error_mgr *gc_jpeg_error_init(gc_jpeg_error *error, char *message, size_t message_capacity,
                                          int strict_warnings) {
    memset(error, 0, sizeof *error);
    struct jpeg_error_mgr *manager = jpeg_std_error(&error->manager);
    manager->error_exit = error_exit;
    manager->emit_message = emit_message;
    manager->output_message = output_message;
    error->status = GC_OK;
    error->message = message;
    error->message_capacity = message_capacity;
    error->strict_warnings = strict_warnings;
    return manager;
}
