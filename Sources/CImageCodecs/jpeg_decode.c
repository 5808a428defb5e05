/* JPEG decoding from memory with libjpeg(-turbo): every setjmp for libjpeg's errors is in this file. */
#include "jpeg_support.h"

#include <stdlib.h>
#include <string.h>

/* Scans beyond this stop decoding: a crafted progressive file with thousands of tiny scans would
   otherwise take minutes (libjpeg-turbo's advice for untrusted input). */
enum { GC_JPEG_MAX_SCANS = 1000 };

/* A memory source that reports running out of data as an error ("truncated"), where libjpeg's own
   jpeg_mem_src would warn and insert a fake end-of-image marker. */
typedef struct memory_source {
    struct jpeg_source_mgr manager;  /* must be first */
    size_t size;
} memory_source;

static void source_init(j_decompress_ptr cinfo) { (void)cinfo; }

static void source_truncated(j_decompress_ptr cinfo) {
    gc_jpeg_error *error = (gc_jpeg_error *)cinfo->err;
    memory_source *source = (memory_source *)cinfo->src;
    error->status = GC_ERROR_TRUNCATED;
    gc_write_message(error->message, error->message_capacity,
                     "the data ends after %zu bytes, before the end of the image", source->size);
    longjmp(error->jump, 1);
}

static boolean source_fill(j_decompress_ptr cinfo) {
    source_truncated(cinfo);
    return FALSE;
}

static void source_skip(j_decompress_ptr cinfo, long count) {
    struct jpeg_source_mgr *source = cinfo->src;
    if (count <= 0) return;
    if ((size_t)count > source->bytes_in_buffer) source_truncated(cinfo);
    source->next_input_byte += count;
    source->bytes_in_buffer -= (size_t)count;
}

static void source_term(j_decompress_ptr cinfo) { (void)cinfo; }

typedef struct scan_guard {
    struct jpeg_progress_mgr manager;  /* must be first */
} scan_guard;

static void scan_guard_check(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->input_scan_number > GC_JPEG_MAX_SCANS) {
        gc_jpeg_error *error = (gc_jpeg_error *)cinfo->err;
        error->status = GC_ERROR_CORRUPT;
        gc_write_message(error->message, error->message_capacity,
                         "more than %d scans (a progressive file built to stall decoders)", GC_JPEG_MAX_SCANS);
        longjmp(error->jump, 1);
    }
}

/* Largest power-of-two reduction (1/8, 1/4, 1/2) whose output is still at least min_width x min_height. */
static unsigned choose_scale_denominator(uint32_t width, uint32_t height, const gc_decode_options *options) {
    if (options->min_width == 0 && options->min_height == 0) return 1;
    for (unsigned denominator = 8; denominator > 1; denominator /= 2) {
        uint32_t scaled_width = (width + denominator - 1) / denominator;
        uint32_t scaled_height = (height + denominator - 1) / denominator;
        if (scaled_width >= options->min_width && scaled_height >= options->min_height) return denominator;
    }
    return 1;
}

/* Adobe-inverted CMYK (C', M', Y', K' as stored) to RGB: R = round(C' K' / 255), and so on. */
static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width) {
    for (uint32_t x = 0; x < width; x++) {
        unsigned k = cmyk[4 * x + 3];
        rgb[3 * x + 0] = (uint8_t)((cmyk[4 * x + 0] * k + 127u) / 255u);
        rgb[3 * x + 1] = (uint8_t)((cmyk[4 * x + 1] * k + 127u) / 255u);
        rgb[3 * x + 2] = (uint8_t)((cmyk[4 * x + 2] * k + 127u) / 255u);
    }
}

/* Everything libjpeg may leave allocated when it jumps; lives in memory, not registers. */
typedef struct jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    gc_jpeg_error error;
    memory_source source;
    scan_guard guard;
    uint8_t *pixels;
    uint8_t *cmyk_row;
} jpeg_reader;

static void reader_release(jpeg_reader *reader, int keep_pixels) {
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader->cmyk_row);
    if (!keep_pixels) free(reader->pixels);
}

gc_status gc_jpeg_decode(const uint8_t *data, size_t size, const gc_decode_options *options, int header_only,
                         gc_decoded_image *out, gc_image_info *info, char *message, size_t message_capacity) {
    jpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        gc_write_message(message, message_capacity, "out of memory");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    cinfo->err = gc_jpeg_error_init(&reader->error, message, message_capacity, 1);
    if (setjmp(reader->error.jump)) {
        gc_status status = reader->error.status == GC_OK ? GC_ERROR_CORRUPT : reader->error.status;
        reader_release(reader, 0);
        free(reader);
        return status;
    }
    jpeg_create_decompress(cinfo);

    reader->source.manager.init_source = source_init;
    reader->source.manager.fill_input_buffer = source_fill;
    reader->source.manager.skip_input_data = source_skip;
    reader->source.manager.resync_to_restart = jpeg_resync_to_restart;
    reader->source.manager.term_source = source_term;
    reader->source.manager.next_input_byte = data;
    reader->source.manager.bytes_in_buffer = size;
    reader->source.size = size;
    cinfo->src = &reader->source.manager;
    reader->guard.manager.progress_monitor = scan_guard_check;
    cinfo->progress = &reader->guard.manager;

    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK) {
        reader->error.status = GC_ERROR_CORRUPT;
        gc_write_message(message, message_capacity, "the stream holds only tables, no image");
        longjmp(reader->error.jump, 1);
    }
    info->declared_width = cinfo->image_width;
    info->declared_height = cinfo->image_height;
    info->channels = (uint32_t)cinfo->num_components;
    info->bit_depth = (uint32_t)cinfo->data_precision;
    info->interlaced = cinfo->progressive_mode ? 1 : 0;

    gc_status limit = gc_check_limits(cinfo->image_width, cinfo->image_height, options, message, message_capacity);
    if (limit != GC_OK || header_only) {
        reader_release(reader, 0);
        free(reader);
        return limit;
    }

    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = TRUE;
    cinfo->scale_num = 1;
    cinfo->scale_denom = choose_scale_denominator(cinfo->image_width, cinfo->image_height, options);
    jpeg_start_decompress(cinfo);

    uint32_t width = cinfo->output_width, height = cinfo->output_height;
    size_t bytes = gc_image_bytes(width, height, 3);
    if (bytes == 0 || (reader->pixels = malloc(bytes)) == NULL ||
        (cmyk && (reader->cmyk_row = malloc((size_t)width * 4)) == NULL)) {
        reader->error.status = GC_ERROR_OUT_OF_MEMORY;
        gc_write_message(message, message_capacity, "out of memory for %u x %u pixels", width, height);
        longjmp(reader->error.jump, 1);
    }
    if (cmyk) {
        JSAMPROW row = reader->cmyk_row;
        while (cinfo->output_scanline < height) {
            JDIMENSION y = cinfo->output_scanline;
            if (jpeg_read_scanlines(cinfo, &row, 1) == 1)
                cmyk_row_to_rgb(reader->cmyk_row, reader->pixels + (size_t)y * width * 3, width);
        }
    } else {
        enum { BATCH = 16 };
        JSAMPROW rows[BATCH];
        while (cinfo->output_scanline < height) {
            JDIMENSION y = cinfo->output_scanline;
            JDIMENSION count = height - y < BATCH ? height - y : BATCH;
            for (JDIMENSION i = 0; i < count; i++) rows[i] = reader->pixels + (size_t)(y + i) * width * 3;
            jpeg_read_scanlines(cinfo, rows, count);
        }
    }
    jpeg_finish_decompress(cinfo);

    out->width = width;
    out->height = height;
    out->pixels = reader->pixels;
    reader_release(reader, 1);
    free(reader);
    return GC_OK;
}
