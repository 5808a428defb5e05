/* JPEG encoding of 8-bit RGB into memory with libjpeg(-turbo): every setjmp for libjpeg's errors is in this file. */
#include "jpeg_support.h"

#include <stdlib.h>
#include <string.h>

typedef struct jpeg_writer {
    struct jpeg_compress_struct cinfo;
    gc_jpeg_error error;
    unsigned char *buffer;      /* owned by jpeg_mem_dest until finished; always the current allocation */
    unsigned long size;
} jpeg_writer;

gc_status gc_encode_jpeg(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                         uint8_t **out, size_t *out_size, char *message, size_t message_capacity) {
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    if (out == NULL || out_size == NULL || rgb == NULL || width == 0 || height == 0 || width > JPEG_MAX_DIMENSION ||
        height > JPEG_MAX_DIMENSION || quality < 1 || quality > 100) {
        gc_write_message(message, message_capacity, "invalid JPEG encode arguments (%u x %u, quality %d)", width,
                         height, quality);
        return GC_ERROR_INVALID_ARGUMENT;
    }
    *out = NULL;
    *out_size = 0;
    jpeg_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) {
        gc_write_message(message, message_capacity, "out of memory");
        return GC_ERROR_OUT_OF_MEMORY;
    }
    struct jpeg_compress_struct *cinfo = &writer->cinfo;
    cinfo->err = gc_jpeg_error_init(&writer->error, message, message_capacity, 0);
    if (setjmp(writer->error.jump)) {
        gc_status status = writer->error.status == GC_OK || writer->error.status == GC_ERROR_CORRUPT
                               ? GC_ERROR_ENCODE : writer->error.status;
        jpeg_destroy_compress(cinfo);
        free(writer->buffer);
        free(writer);
        return status;
    }
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, &writer->buffer, &writer->size);
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->optimize_coding = TRUE;
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo->next_scanline * width * 3);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);

    *out = writer->buffer;
    *out_size = (size_t)writer->size;
    free(writer);
    return GC_OK;
}
